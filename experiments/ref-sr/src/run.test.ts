// C2-Matching end to end on micro models, real TF backend, tracked in a real MLflow server: the HR teacher
// trains first (teacher.train, cached), the LR-up student trains with c2-triplet + 15 · correlation KD
// (teacher frozen) and is scored on graf1/graf3; the restoration network then trains with that student as
// its frozen matcher and is scored on opencv-doc pairs.
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

const PAIR = { arch: 'contras-pair', width: 4, centre: true };

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const base = `extends: ${path.join(REPO, 'experiments/ref-sr/configs/base.yaml')}
experiment: refsr-micro
seed: 1
`;

type Weights = Map<string, Float32Array>;
const weightsOf = (m: LayersModel): Weights => new Map(m.weights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync() as Float32Array)]));
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('C2-Matching (micro, real MLflow server)', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>>;
  beforeAll(async () => {
    server = await startMlflowServer();
  }, 120000);
  afterAll(async () => server?.stop());

  it('teacher on HR, distilled student on LR-up (graf accuracy logged), then restoration with the student as matcher', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-ref-sr-'));
    const runsDir = path.join(dir, 'runs');
    const opts = { runsDir, cacheDir: path.join(dir, 'cache'), trackingUri: server.url, log: () => undefined };
    const student = write(dir, 'student.yaml', `${base}
data: { stage: correspondence, train: [Set5], trainLimit: 3, crop: 80, batch: 2, view1: lr-up, teacherView1: hr }
eval: { queryStride: 8, synthetic: [Set5] }
teacher:
  model: ${JSON.stringify(PAIR)}
  train:
    loss: { kind: c2-triplet, packed: true }
    optim: { optimizer: { kind: adam, lr: 0.001 } }
    train: { steps: 3, checkpointEvery: 3 }
    data: { view1: hr }
student: { model: ${JSON.stringify(PAIR)} }
kd:
  terms:
    - { name: triplet, loss: { kind: c2-triplet, packed: true }, weight: 1, student: output, teacher: target }
    - { name: corr-kd, loss: { kind: c2-correlation-kd, packed: true }, weight: 15, student: output, teacher: output }
optim: { optimizer: { kind: adam, lr: 0.001 } }
train: { steps: 4, logEvery: 2, checkpointEvery: 2 }
`);
    let before!: Weights;
    let after!: { student: Weights; teacher: Weights };
    await executeRun(resolveRun([student], { sets: ['train.steps=0', 'name=init'] }), { ...opts, afterTraining: ({ student: s }) => void (before = weightsOf(s)) });
    const s = await executeRun(resolveRun([student], { sets: ['name=c2-student'] }), { ...opts, afterTraining: ({ student: st, teacher }) => void (after = { student: weightsOf(st), teacher: weightsOf(teacher!) }) });
    // Both branches of the student learned; the teacher stayed as cached.
    for (const n of ['view1.conv1_1/kernel', 'view2.conv3_1/kernel']) expect(same(after.student.get(n)!, before.get(n)!)).toBe(false);
    const t0 = fs.readdirSync(path.join(dir, 'cache', 'teachers'));
    expect(t0).toHaveLength(1);
    for (const k of [1, 2, 4]) {
      const v = s.metrics[`eval/graf/corr_acc_${k}px`];
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(s.metrics['eval/graf/corr_matches']).toBeGreaterThan(100);
    // Synthetic pairs of a test set, as in training: the columns refsr-quick reads.
    const synthetic = s.metrics['eval/Set5-homography/corr_acc_4px'];
    expect(synthetic).toBeGreaterThanOrEqual(s.metrics['eval/Set5-homography/corr_acc_1px']);
    expect(synthetic).toBeLessThanOrEqual(1);
    const tracker = createTracker(server.url);
    const kd = await tracker.getMetricHistory(s.runId, 'train/corr-kd');
    expect(kd.map((p) => p.step)).toEqual([2, 4]);
    expect(kd.every((p) => Number.isFinite(p.value) && p.value > 0)).toBe(true);
    const matches = JSON.parse(fs.readFileSync(path.join(s.runDir, 'eval', 'matches.json'), 'utf8'));
    expect(matches.matches.length).toBe(s.metrics['eval/graf/corr_matches']);

    const restoration = write(dir, 'restoration.yaml', `${base}
data: { stage: restoration, train: [Set5], trainLimit: 3, crop: 32, batch: 2, reference: true, matcher: { dir: ${path.join(s.runDir, 'final')} } }
eval: { pairs: [graf, leuven], window: 64 }
student: { model: { arch: c2-restoration, scale: 4, channels: 4, blocks: 1 } }
kd: { terms: [{ name: task, loss: { kind: l1 }, weight: 1, student: output, teacher: target }] }
optim: { optimizer: { kind: adam, lr: 0.001 } }
train: { steps: 3, logEvery: 3, checkpointEvery: 3 }
`);
    const r = await executeRun(resolveRun([restoration], { sets: ['name=restoration'] }), opts);
    expect(r.metrics['eval/opencv-doc/x4/psnr']).toBeGreaterThan(5);
    expect(r.metrics['eval/opencv-doc/x4/psnr']).toBeCloseTo((r.metrics['eval/graf/x4/psnr'] + r.metrics['eval/leuven/x4/psnr']) / 2, 8);
    const runs = await tracker.searchRuns({ experiment: 'refsr-micro' });
    const logged = runs.find((x) => x.runId === r.runId)!;
    expect(logged.status).toBe('FINISHED');
    expect(logged.tags['kdlab.matcher']).toBe(path.join(s.runDir, 'final'));
    expect(logged.metrics['eval/opencv-doc/x4/psnr']).toBeCloseTo(r.metrics['eval/opencv-doc/x4/psnr'], 6);
  }, 300000);
});
