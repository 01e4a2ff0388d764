// A micro cross-task study end to end: two real domains (SR on Set5, CIFAR-10 classification) with tiny
// models and a few steps, trained on the tensorflow backend, logged to the real MLflow server of the
// jest global setup; the report's matrix and CSV are checked against the runs read back from MLflow, a
// second call reuses every finished cell from tracking, and a skipped cell carries its reason.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Papa from 'papaparse';
import { repoRoot } from '@kdlab/data';
import { createTracker } from '@kdlab/tracking';
import { parseStudy } from './definition';
import { runStudy } from './study';

const REPO = repoRoot();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-study-'));
const uri = process.env.KDLAB_TEST_MLFLOW_URI;

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

const srMicro = write(
  'sr-micro.yaml',
  `extends: ${path.join(REPO, 'experiments/sisr/configs/base.yaml')}
data: { scale: 2, train: [Set5], trainLimit: 2, lrPatch: 8, batch: 3, test: [Set5] }
eval: { limit: 2 }
teacher:
  model: { arch: edsr, blocks: 1, channels: 8 }
  train:
    optim: { optimizer: { kind: adam, lr: 0.001 } }
    train: { steps: 3, checkpointEvery: 3 }
student:
  model: { arch: edsr, blocks: 1, channels: 4 }
optim: { optimizer: { kind: adam, lr: 0.001 } }
train: { steps: 3, logEvery: 1, checkpointEvery: 3 }
`,
);

const clsMicro = write(
  'cls-micro.yaml',
  `extends: ${path.join(REPO, 'experiments/classification/configs/base.yaml')}
data: { trainPerClass: 4, batch: 10 }
eval: { testPerClass: 3, batch: 30 }
teacher:
  model: { arch: resnet-cifar, depth: 8, widths: [4, 6, 8, 8] }
  train:
    loss: { kind: ce }
    optim: { optimizer: { kind: adam, lr: 0.002 } }
    train: { steps: 3, checkpointEvery: 3 }
student:
  model: { arch: resnet-cifar, depth: 8, widths: [4, 4, 4, 8] }
optim: { optimizer: { kind: adam, lr: 0.002 } }
train: { steps: 3, logEvery: 1, checkpointEvery: 3 }
`,
);

const source = { level: 'paper', reference: 'test reference' };
const study = parseStudy(
  {
    name: 'micro-cross-task',
    title: 'micro cross-task study',
    experiment: 'micro-cross-task',
    weights: { rule: 'first-batch-fraction', fraction: 0.5 },
    losses: [
      { id: 'output-kd', label: 'output KD', requires: 'output', source },
      { id: 'fitnet', label: 'FitNet', requires: 'feature', loss: { kind: 'fitnet', distance: 'l2' }, adapter: { kind: 'conv1x1' }, source },
      { id: 'at', label: 'AT', requires: 'feature', loss: { kind: 'at' }, source: { level: 'abstract-only', reference: 'pretend abstract' } },
      { id: 'sp', label: 'SP', requires: 'feature', loss: { kind: 'sp' }, source },
    ],
    domains: [
      {
        id: 'sr',
        label: 'SR x2',
        profiles: { micro: { configs: [srMicro], seeds: [0, 1] } },
        student: 'experiments/sisr/configs/methods/student.yaml',
        feature: { student: 'body', teacher: 'body', layout: 'nhwc' },
        output: { loss: { kind: 'l1' }, form: 'L1 to the teacher output' },
        metric: { key: 'eval/Set5/x2/psnr', label: 'PSNR', direction: 'higher' },
        skipLosses: { sp: 'explicitly skipped here to test the reason reaches the table' },
      },
      {
        id: 'cls',
        label: 'CIFAR-10',
        profiles: { micro: { configs: [clsMicro], seeds: [0, 1] } },
        student: 'experiments/classification/configs/methods/student.yaml',
        feature: { student: 'stage3', teacher: 'stage3', layout: 'nhwc' },
        output: { loss: { kind: 'kd', temperature: 4 }, form: 'Hinton KD' },
        metric: { key: 'eval/cifar10/top1', label: 'top-1', direction: 'higher' },
      },
    ],
  },
  'micro study',
);

interface CsvRow { loss: string; domain: string; state: string; n: string; student_mean: string; with_loss_mean: string; change_better_positive: string; change_over_student_std: string; student_std: string; reason: string; run_ids: string; source_level: string }

describe('a micro cross-task study end to end', () => {
  const outDir = path.join(tmp, 'report');
  const common = { study, profile: 'micro', trackingUri: uri, redisUrl: null, runsDir: path.join(tmp, 'runs'), cacheDir: path.join(tmp, 'cache'), outDir, log: () => undefined };

  it('runs every cell, writes the matrix and CSV from MLflow, and reuses finished cells on a second call', async () => {
    expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const first = await runStudy(common);
    expect(first.execution?.mode).toBe('local');
    expect(first.execution?.failed).toEqual([]);
    // sr: student + output-kd, fitnet, at (sp skipped); cls: student + 4 losses; 2 seeds each.
    expect(first.execution?.ran).toBe(18);

    const tracker = createTracker(uri);
    const runs = (await tracker.searchRuns({ experiment: 'micro-cross-task' })).filter((r) => r.status === 'FINISHED');
    expect(runs).toHaveLength(18);
    const byName = new Map(runs.map((r) => [r.runName, r]));

    const rows = Papa.parse<CsvRow>(fs.readFileSync(path.join(outDir, 'matrix.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(8);
    const skipped = rows.find((r) => r.domain === 'sr' && r.loss === 'sp')!;
    expect(skipped.state).toBe('skipped');
    expect(skipped.reason).toBe('explicitly skipped here to test the reason reaches the table');
    for (const r of rows.filter((x) => x.state !== 'skipped')) {
      expect(r.state).toBe('measured');
      expect(r.n).toBe('2');
      // Recomputed independently from the runs MLflow holds.
      const key = r.domain === 'sr' ? 'eval/Set5/x2/psnr' : 'eval/cifar10/top1';
      const values = (what: string) => [0, 1].map((s) => byName.get(`micro-${r.domain}-${what}-s${s}`)!.metrics[key]);
      const student = values('student');
      const withLoss = values(r.loss);
      const mean = (v: number[]) => (v[0] + v[1]) / 2;
      expect(Number(r.student_mean)).toBeCloseTo(mean(student), 8);
      expect(Number(r.change_better_positive)).toBeCloseTo(mean(withLoss) - mean(student), 8);
      const std = Math.abs(student[0] - student[1]) / Math.SQRT2;
      if (std > 0) expect(Number(r.change_over_student_std)).toBeCloseTo((mean(withLoss) - mean(student)) / std, 6);
      expect(r.run_ids.split(' ')).toHaveLength(2);
    }
    expect(rows.find((r) => r.loss === 'at')!.source_level).toBe('abstract-only');

    // The weight rule ran in every loss cell: the term started at half the task loss on the first batch.
    const fitnet = byName.get('micro-cls-fitnet-s0')!;
    const [w] = await tracker.getMetricHistory(fitnet.runId, 'kd/weight/fitnet');
    const [task] = await tracker.getMetricHistory(fitnet.runId, 'train/ce');
    const [term] = await tracker.getMetricHistory(fitnet.runId, 'train/fitnet');
    expect((w.value * term.value) / task.value).toBeCloseTo(0.5, 4);

    const tau = Papa.parse<{ domain_a: string; domain_b: string; kendall_tau_b: string; losses_in_common: string }>(fs.readFileSync(path.join(outDir, 'kendall.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(tau).toHaveLength(4);
    const cross = tau.find((t) => t.domain_a === 'sr' && t.domain_b === 'cls')!;
    expect(cross.losses_in_common).toBe('3'); // output-kd, fitnet, at (sp skipped on sr)
    const self = tau.find((t) => t.domain_a === 'cls' && t.domain_b === 'cls')!;
    expect(self.losses_in_common).toBe('4');

    const page = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
    expect(page).toContain('id="matrix"');
    expect(page).toContain('explicitly skipped here to test the reason reaches the table');
    expect(page).toContain('AT †');
    expect(page).toMatch(/id="chart-kendall-tau"[\s\S]*<svg/);
    expect(page).toContain('0.5 × (the weighted task loss)');

    // Resumable: the same study again runs nothing; every cell comes from tracking by config hash.
    const again = await runStudy(common);
    expect(again.execution).toMatchObject({ reused: 18, ran: 0 });
    expect((await tracker.searchRuns({ experiment: 'micro-cross-task' })).filter((r) => r.status === 'FINISHED')).toHaveLength(18);

    // A changed definition changes a cell's hash: its old run dir cannot count, so the cell starts over
    // (the runner alone would refuse to resume a run dir of another config).
    const sr = study.domains.find((d) => d.id === 'sr')!;
    const changed = { ...study, domains: [{ ...sr, lossOptions: { at: { why: 'test', p: 4 } } }] };
    const lines: string[] = [];
    const third = await runStudy({ ...common, study: changed, domains: ['sr'], log: (l) => lines.push(l) });
    expect(third.execution).toMatchObject({ reused: 6, ran: 2, failed: [] });
    expect(lines.filter((l) => /micro-sr-at-s\d holds run \w+ of an earlier definition .*starting this cell over/.test(l))).toHaveLength(2);
  }, 600_000);
});
