// `kdlab speech metrics` through the real command line (a child process), on real pairs.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataRoot } from '@kdlab/data';
import { readWav, writeWav } from './audio/wav';

const REPO = path.resolve(__dirname, '../../..');
const KDLAB = path.join(REPO, 'tools/cli/bin/kdlab.js');
const kdlab = (...args: string[]) => spawnSync(process.execPath, [KDLAB, 'speech', 'metrics', ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const sample = path.join(dataRoot(), 'speech/voicebank-demand-sample');

describe('kdlab speech metrics', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-speech-cli-'));
    for (const sub of ['ref', 'est']) fs.mkdirSync(path.join(dir, sub));
    for (const n of ['p287_001.wav', 'p287_002.wav']) {
      fs.copyFileSync(path.join(sample, 'clean', n), path.join(dir, 'ref', n));
      fs.copyFileSync(path.join(sample, 'noisy', n), path.join(dir, 'est', n));
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--json prints one object: every metric per file (paired by name) and their mean', () => {
    const res = kdlab('--ref', path.join(dir, 'ref'), '--est', path.join(dir, 'est'), '--json');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as { files: Record<string, number | string>[]; mean: Record<string, number> };
    const keys = ['name', 'pesq_wb', 'pesq_nb', 'stoi', 'estoi', 'si_sdr', 'ssnr', 'csig', 'cbak', 'covl'];
    expect(out.files.map((f) => f.name)).toEqual(['p287_001.wav', 'p287_002.wav']);
    for (const f of out.files) expect(Object.keys(f)).toEqual(keys);
    expect(Object.keys(out.mean)).toEqual(keys.slice(1));
    // The mean is the mean of the files, and the golden (reference) PESQ of p287_001 is reproduced.
    expect(out.mean.stoi).toBeCloseTo(((out.files[0].stoi as number) + (out.files[1].stoi as number)) / 2, 12);
    const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'metrics.json'), 'utf8')) as { pairs: { dataset: string; name: string; noisy: Record<string, number> }[] };
    const g = golden.pairs.find((p) => p.dataset === 'vbd-sample' && p.name === 'p287_001.wav')!;
    expect(Math.abs((out.files[0].pesq_wb as number) - g.noisy.pesq_wb)).toBeLessThan(1e-4);
    expect(Math.abs((out.files[0].csig as number) - g.noisy.csig)).toBeLessThan(5e-3);
  });

  it('mismatched lengths, rates, unpaired names and corrupt headers are errors naming the file or pair', () => {
    const ref = readWav(path.join(dir, 'ref', 'p287_001.wav'));
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    writeWav(path.join(bad, 'short.wav'), { samples: ref.samples.subarray(0, 16000), sampleRate: 16000 });
    let res = kdlab('--ref', path.join(dir, 'ref', 'p287_001.wav'), '--est', path.join(bad, 'short.wav'));
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/pair short\.wav .*lengths differ/);

    writeWav(path.join(bad, 'rate.wav'), { samples: ref.samples, sampleRate: 8000 });
    res = kdlab('--ref', path.join(dir, 'ref', 'p287_001.wav'), '--est', path.join(bad, 'rate.wav'));
    expect(res.stderr).toMatch(/pair rate\.wav .*sample rates differ \(16000 Hz vs 8000 Hz\)/);

    fs.writeFileSync(path.join(bad, 'corrupt.wav'), Buffer.from('RIFF\x10\x00\x00\x00WAVEjunkjunkjunk'));
    res = kdlab('--ref', path.join(dir, 'ref', 'p287_001.wav'), '--est', path.join(bad, 'corrupt.wav'));
    expect(res.stderr).toMatch(/corrupt\.wav: not a readable WAV file/);

    res = kdlab('--ref', path.join(dir, 'ref'), '--est', bad);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/do not pair by name: no estimate for p287_001\.wav, p287_002\.wav/);
  });
});
