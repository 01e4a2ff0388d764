// Issue 10's rows through the runner: their shipped configs at paper size validate and build, and
// micro versions of each (tiny models, a few steps, Set5 at x2) train, run their alternating or
// meta-learned auxiliary updates, and evaluate.
import * as path from 'path';
import { buildBackbone, countParams } from '@kdlab/backbones';
import { executeRun, loadRunConfig, resolveConfig } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import './index';
import { sisrRows } from './reproductions';
import { REPO, tempDir } from './testing/micro';

const NEW_ROWS = ['EFDN', 'EFDN + edge loss', 'EFDN + edge loss + FAKD', 'student + PCL', 'student + PCL (teacher positive)', 'student + Meta-KD'];

describe('issue 10 rows', () => {
  it.each([2, 3, 4] as const)('paper profile x%d: every new row resolves and its student builds (EFDN at 48 channels)', (scale) => {
    const rows = sisrRows('paper', scale, [0]).filter((r) => NEW_ROWS.includes(r.method));
    expect(rows.map((r) => r.method)).toEqual(NEW_ROWS);
    for (const row of rows) {
      const config = loadRunConfig(row.files.map((f) => path.join(REPO, f)));
      const spec = 'model' in config.student ? config.student.model : null;
      expect(spec).not.toBeNull();
      if (row.method.startsWith('EFDN')) expect(spec!.arch).toBe('efdn-paper');
      const model = buildBackbone({ ...spec!, scale, ...(row.method.startsWith('EFDN') ? { deploy: true } : {}) }, 0);
      if (row.method.startsWith('EFDN') && scale === 4) expect(countParams(model)).toBeGreaterThan(270e3);
      model.dispose();
    }
    const pcl = loadRunConfig(rows.find((r) => r.method === 'student + PCL')!.files.map((f) => path.join(REPO, f)));
    expect(pcl.kd!.terms.find((t) => t.name === 'pcl')!.loss).toMatchObject({ width: 64, lr: 5e-5 });
    expect(pcl.data).toMatchObject({ lrPatch: 48, batch: 16 });
  });

  it('micro runs: EFDN + edge + FAKD, PCL with the teacher positive, Meta-KD train, update their auxiliary networks, and evaluate', async () => {
    const dir = tempDir('sr-issue10');
    const store = path.join(dir, 'mlruns');
    const base = {
      experiment: 'sr-issue10',
      task: 'sr',
      seed: 1,
      data: { scale: 2, train: ['Set5'], trainLimit: 2, lrPatch: 16, batch: 2, test: ['Set5'] },
      eval: { limit: 1 },
      teacher: { model: { arch: 'edsr', blocks: 2, channels: 8 }, train: { optim: { optimizer: { kind: 'adam', lr: 0.001 } }, train: { steps: 2 } } },
      optim: { optimizer: { kind: 'adam', lr: 0.001 } },
      train: { steps: 3, logEvery: 1, checkpointEvery: 3 },
    };
    const l1 = { name: 'task', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'target' };
    const runs = {
      'efdn-edge-fakd': {
        student: { model: { arch: 'efdn', channels: 8 } },
        terms: [l1, { name: 'edge', loss: { kind: 'edge-gv' }, weight: 1, student: 'output', teacher: 'target' }, { name: 'sa', loss: { kind: 'fakd' }, weight: 0.04, student: 'cell1', teacher: 'body.block1' }],
      },
      'pcl-teacher': {
        student: { model: { arch: 'edsr', blocks: 1, channels: 4 } },
        terms: [l1, { name: 'pcl', loss: { kind: 'pcl', width: 2, teacherPositive: true }, weight: 0.02, student: 'output', teacher: 'target' }, { name: 'teacher-l1', loss: { kind: 'l1' }, weight: 0, student: 'output', teacher: 'output' }],
      },
      'meta-kd': {
        student: { model: { arch: 'edsr', blocks: 1, channels: 4 } },
        terms: [l1, { name: 'metakd', loss: { kind: 'meta-kd', width: 4 }, weight: 0.002, student: 'body', teacher: 'body' }],
      },
    };
    for (const [name, r] of Object.entries(runs)) {
      const run = resolveConfig({ ...base, name, method: name, student: r.student, kd: { terms: r.terms } }, 'test');
      const result = await executeRun(run, { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: store, log: () => undefined });
      expect(Number.isFinite(result.metrics['eval/Set5/x2/psnr'])).toBe(true);
    }
    const logged = await createTracker(store).searchRuns({ experiment: 'sr-issue10' });
    const metricsOf = (n: string) => logged.find((l) => l.runName === n)!.metrics;
    expect(Number.isFinite(metricsOf('efdn-edge-fakd')['train/edge'])).toBe(true);
    // The alternating discriminator update and the meta-gradient update ran and were logged.
    expect(Number.isFinite(metricsOf('pcl-teacher')['train/aux/pcl'])).toBe(true);
    expect(Number.isFinite(metricsOf('meta-kd')['train/aux/metakd'])).toBe(true);
  });
});
