// A micro speech-quick: the real task, MANNER teacher and student, MV-AT and the other rows'
// machinery at toy sizes (a few steps, 2 evaluation pairs), logged to the real MLflow server
// the jest config starts, then the table and the spectrogram figure.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readImage } from '@kdlab/data';
import { runReproduction, type Reproduction } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import { speechColumns, speechQuick } from './reproductions';
import './index';

const REPO = path.resolve(__dirname, '../../..');
const CONFIGS = path.join(REPO, 'experiments/speech-enhancement/configs');

function microProfile(dir: string): string {
  const file = path.join(dir, 'micro.yaml');
  fs.writeFileSync(
    file,
    `extends: ${path.join(CONFIGS, 'base.yaml')}
experiment: speech-micro
data:
  train: { mixtures: 6, validationMixtures: 1 }
  segment: 2048
  batch: 2
eval: { limit: 2 }
teacher:
  model: { arch: manner, hidden: 6, depth: 3, segment: 16 }
  train:
    loss: { kind: mrstft, withL1: true, resolutions: [{ fft: 256, hop: 64, win: 256 }] }
    optim: { optimizer: { kind: adam, lr: 0.001 } }
    train: { steps: 2 }
student:
  model: { arch: manner, hidden: 3, depth: 3, segment: 16 }
optim: { optimizer: { kind: adam, lr: 0.001 } }
train: { steps: 3, logEvery: 1 }
`,
  );
  return file;
}

describe('speech reproduction (micro)', () => {
  it('runs noisy, teacher, student and MV-AT rows into MLflow, writes the table and the spectrogram', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-speech-repro-'));
    const profile = microProfile(dir);
    const uri = process.env.KDLAB_TEST_MLFLOW_URI;
    expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const rows = ['noisy', 'teacher', 'student', 'mvat'].map((f) => {
      const real = speechQuick.rows.find((r) => r.name === f)!;
      return { ...real, files: [profile, path.join(CONFIGS, 'methods', `${f}.yaml`)], seeds: [0] };
    });
    const micro: Reproduction = { ...speechQuick, experiment: 'speech-micro', rows, columns: speechColumns(), outDir: path.join(dir, 'out') };
    const res = await runReproduction(micro, { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: uri, log: () => undefined });
    expect(res.table.map((r) => r.method)).toEqual(['noisy input', 'teacher', 'student', 'student + MV-AT']);
    for (const row of res.table) for (const c of ['PESQ-WB', 'STOI', 'SI-SDR', 'CSIG', 'CBAK', 'COVL']) expect(Number.isFinite(row.cells[speechColumns().find((x) => x.label === c)!.key]?.mean)).toBe(true);
    // MV-AT logged every view of every block as its own term.
    const runs = await createTracker(uri).searchRuns({ experiment: 'speech-micro' });
    const mvat = runs.find((r) => r.tags['kdlab.method'] === 'student + MV-AT')!;
    expect(mvat.tags['kdlab.source_level']).toBe('abstract-only');
    expect(mvat.tags['kdlab.metric_convention']).toContain('P.862.2');
    for (const b of ['enc0', 'enc1', 'dec1', 'dec0']) for (const v of ['channel', 'global', 'local']) expect(Number.isFinite(mvat.metrics[`train/mvat.${b}.${v}`])).toBe(true);
    // The noisy row scores the input itself: the same value for the noisy row in the golden file.
    const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'metrics.json'), 'utf8')) as { pairs: { noisy: { pesq_wb: number } }[] };
    const noisyPesq = res.table[0].cells[speechColumns()[0].key]!.mean;
    expect(Math.abs(noisyPesq - (golden.pairs[0].noisy.pesq_wb + golden.pairs[1].noisy.pesq_wb) / 2)).toBeLessThan(1e-4);
    // The figure: one PNG with four stacked spectrograms.
    expect(res.figures).toHaveLength(1);
    const png = readImage((res.figures[0] as { file: string }).file);
    expect(png.height).toBe(4 * 257 + 3 * 4);
    expect(fs.readFileSync(path.join(dir, 'out', 'table.csv'), 'utf8')).toContain('student + MV-AT');
  }, 900000);
});
