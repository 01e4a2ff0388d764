// KDSR end to end on a micro model, real TF backend, tracked in a real MLflow server: the
// stage-1 teacher (KD-IDE on LR + PixelUnshuffle(HR)) trains first and is cached; stage 2 starts
// the student's SR net from it and, with trainSr: false, trains only the student's IDE path
// with L1 + the IDR KL; the Gaussian8 metrics reach the server.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { LayersModel } from '@kdlab/engine';
import { executeRun, resolveRun } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import './index';

const REPO = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(REPO, 'tools/testing/mlflow-server.js')) as typeof import('../../../tools/testing/mlflow-server');

const KDSR = { arch: 'kdsr', channels: 4, blocks: 1, ideBlocks: 1 };

/** `withKd: false` is methods/kdsr-no-kd.yaml's shape: the teacher only initialises the SR net, no teacher view. */
function microConfig(dir: string, withKd = true): string {
  const file = path.join(dir, withKd ? 'micro.yaml' : 'micro-no-kd.yaml');
  fs.writeFileSync(
    file,
    `extends: ${path.join(REPO, 'experiments/blind-sr/configs/base.yaml')}
experiment: blind-micro
seed: 1
data: { train: [Set5], trainLimit: 2, lrPatch: 6, batch: 2, test: [Set5], sigmas: [2.6]${withKd ? ', teacherInput: lr+hr' : ''} }
eval: { limit: 1 }
teacher:
  model: ${JSON.stringify({ ...KDSR, ide: 'teacher' })}
  train:
    optim: { optimizer: { kind: adam, lr: 0.001 } }
    train: { steps: 4, checkpointEvery: 2 }
    data: { input: lr+hr }
student:
  model: ${JSON.stringify({ ...KDSR, ide: 'student', trainSr: false })}
  init: { from: teacher, exclude: [ide.] }
kd:
  terms:
    - { name: task, loss: { kind: l1 }, weight: 1, student: output, teacher: target }
${withKd ? '    - { name: idr-kl, loss: { kind: kdsr-idr-kl }, weight: 1, student: ide.mlp, teacher: ide.mlp }\n' : ''}optim: { optimizer: { kind: adam, lr: 0.01 } }
train: { steps: 6, logEvery: 3, checkpointEvery: 3 }
`,
  );
  return file;
}

type Weights = Map<string, Float32Array>;
const weightsOf = (m: LayersModel): Weights => new Map(m.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
const isIde = (name: string) => name.startsWith('ide.');
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('KDSR stage 2 (micro, real MLflow server)', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>>;
  beforeAll(async () => {
    server = await startMlflowServer();
  }, 120000);
  afterAll(async () => server?.stop());

  it('starts the SR net from the stage-1 teacher, trains only the student IDE, logs Gaussian8 metrics', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-blind-sr-'));
    const config = microConfig(dir);
    const opts = { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: server.url, log: () => undefined };
    // Zero steps: the student as initialised (same config seed, so the same fresh IDE as below).
    let initial!: { student: Weights; teacher: Weights };
    await executeRun(resolveRun([config], { sets: ['train.steps=0', 'name=init'] }), { ...opts, afterTraining: ({ student, teacher }) => void (initial = { student: weightsOf(student), teacher: weightsOf(teacher!) }) });
    let trained!: { student: Weights; teacher: Weights };
    const result = await executeRun(resolveRun([config], { sets: ['name=kdsr'] }), { ...opts, afterTraining: ({ student, teacher }) => void (trained = { student: weightsOf(student), teacher: weightsOf(teacher!) }) });

    const srNames = [...initial.student.keys()].filter((n) => !isIde(n));
    const ideNames = [...initial.student.keys()].filter(isIde);
    expect(srNames.length).toBeGreaterThan(10);
    // Initialised: the SR net is the teacher's, the IDE is not.
    for (const n of srNames) expect({ n, copied: same(initial.student.get(n)!, initial.teacher.get(n)!) }).toEqual({ n, copied: true });
    expect(ideNames.some((n) => n !== 'ide.conv_in/kernel' && !same(initial.student.get(n)!, initial.teacher.get(n)!))).toBe(true);
    // Trained: the SR net unchanged (frozen), the IDE moved, the teacher frozen.
    for (const n of srNames) expect({ n, frozen: same(trained.student.get(n)!, initial.student.get(n)!) }).toEqual({ n, frozen: true });
    expect(ideNames.filter((n) => !same(trained.student.get(n)!, initial.student.get(n)!)).length).toBeGreaterThan(ideNames.length / 2);
    for (const [n, v] of trained.teacher) expect({ n, frozen: same(v, initial.teacher.get(n)!) }).toEqual({ n, frozen: true });

    const tracker = createTracker(server.url);
    const runs = await tracker.searchRuns({ experiment: 'blind-micro' });
    const run = runs.find((r) => r.runId === result.runId)!;
    expect(run.status).toBe('FINISHED');
    for (const key of ['eval/Set5-g2.6/x4/psnr', 'eval/Set5-g2.6/x4/ssim', 'eval/Set5-gmean/x4/psnr']) expect(run.metrics[key]).toBeCloseTo(result.metrics[key], 6);
    expect(result.metrics['eval/Set5-g2.6/x4/psnr']).toBeGreaterThan(5);
    const kl = await tracker.getMetricHistory(result.runId, 'train/idr-kl');
    expect(kl.map((p) => p.step)).toEqual([3, 6]);
    expect(kl.every((p) => Number.isFinite(p.value) && p.value >= 0)).toBe(true);
    const teachers = await tracker.searchRuns({ experiment: 'blind-micro-teachers' });
    expect(teachers.map((r) => [r.tags['kdlab.role'], r.status])).toEqual([['teacher-training', 'FINISHED']]);
  }, 240000);

  it('runs stage 2 without KD: the teacher (it takes LR + HR) only initialises, its forward pass is skipped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-blind-sr-'));
    const opts = { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: server.url, log: () => undefined };
    let trained!: { student: Weights; teacher: Weights };
    // Before the runner skipped unread teachers, this failed: the KD-IDE teacher was fed the 3-channel LR.
    const result = await executeRun(resolveRun([microConfig(dir, false)], { sets: ['name=no-kd', 'student.model.trainSr=true'] }), { ...opts, afterTraining: ({ student, teacher }) => void (trained = { student: weightsOf(student), teacher: weightsOf(teacher!) }) });
    expect(result.metrics['eval/Set5-g2.6/x4/psnr']).toBeGreaterThan(5);
    const sr = [...trained.student.keys()].filter((n) => !isIde(n) && trained.teacher.has(n));
    expect(sr.filter((n) => !same(trained.student.get(n)!, trained.teacher.get(n)!)).length).toBeGreaterThan(sr.length / 2);
  }, 240000);
});
