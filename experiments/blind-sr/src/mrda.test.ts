// MRDA end to end on a micro model, real TF backend, tracked in a real MLflow server: the
// teacher (MLN adapted per image on LR/HR, DEN, RDAN) trains first and is cached; the student
// starts its RDAN from it and, inside the encoder warm-up (task term off until fromStep), trains
// only its DEN on the representation KD; its representation moves toward the teacher's on a
// fixed batch, the teacher stays frozen, the Gaussian8 metrics reach the server.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { LayersModel, Tensor } from '@kdlab/engine';
import { pixelUnshuffle } from '@kdlab/backbones';
import { createLoss, tapModel } from '@kdlab/kd';
import { executeRun, resolveRun, teacherHash } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import './index';

const REPO = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(REPO, 'tools/testing/mlflow-server.js')) as typeof import('../../../tools/testing/mlflow-server');

const MRDA = { arch: 'mrda', channels: 4, blocks: 1 };

function microConfig(dir: string): string {
  const file = path.join(dir, 'micro.yaml');
  fs.writeFileSync(
    file,
    `extends: ${path.join(REPO, 'experiments/blind-sr/configs/base.yaml')}
experiment: blind-micro-mrda
seed: 1
data: { train: [Set5], trainLimit: 2, lrPatch: 8, batch: 2, test: [Set5], sigmas: [2.6], teacherInput: lr+hr }
eval: { limit: 1 }
teacher:
  model: ${JSON.stringify({ ...MRDA, role: 'teacher', mlnChannels: 4, innerSteps: 1 })}
  train:
    optim: { optimizer: { kind: adam, lr: 0.001 } }
    train: { steps: 3, checkpointEvery: 3 }
    data: { input: lr+hr }
student:
  model: ${JSON.stringify({ ...MRDA, role: 'student' })}
  init: { from: teacher, exclude: [den.] }
kd:
  terms:
    - { name: repr-kd, loss: { kind: mrda-repr-kd }, weight: 1, student: den.mlp, teacher: den.mlp }
    - { name: task, loss: { kind: l1 }, weight: 1, student: output, teacher: target, fromStep: 1000 }
optim: { optimizer: { kind: adam, lr: 0.01 } }
train: { steps: 8, logEvery: 4, checkpointEvery: 4 }
`,
  );
  return file;
}

type Weights = Map<string, Float32Array>;
const weightsOf = (m: LayersModel): Weights => new Map(m.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
const isDen = (name: string) => name.startsWith('den.');
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** mrda-repr-kd between the student's and the teacher's representation on one fixed batch. */
function reprGap(student: LayersModel, teacher: LayersModel): number {
  return tf.tidy(() => {
    const lr = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 5);
    const hr = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 6);
    const ds = tapModel(student, ['den.mlp']).forward(lr, false).features['den.mlp'];
    const dt = tapModel(teacher, ['den.mlp']).forward(tf.concat([lr, pixelUnshuffle(hr, 4)], 3), false).features['den.mlp'];
    return (createLoss({ kind: 'mrda-repr-kd' }).compute(ds as Tensor, dt as Tensor) as Tensor).dataSync()[0];
  });
}

describe('MRDA configs', () => {
  const C = path.join(REPO, 'experiments/blind-sr/configs');
  const resolve = (...files: string[]) => resolveRun(files.map((f) => path.join(C, f))).config;

  it.each(['quick', 'paper'])('%s: teacher and student rows share one teacher; the task term starts after 20 %% of the student steps', (profile) => {
    const extra = profile === 'paper' ? ['methods/mrda-teacher-paper.yaml', 'methods/mrda-paper.yaml'] : [];
    const teacherRow = resolve(`profiles/${profile}.yaml`, 'methods/mrda-teacher.yaml', ...extra.slice(0, 1));
    const studentRow = resolve(`profiles/${profile}.yaml`, 'methods/mrda.yaml', ...extra.slice(1));
    expect(studentRow.teacher).toEqual(teacherRow.teacher);
    // The teacher cache key (libs/runner teacherHash) also hashes the data: one cached teacher for both rows.
    expect(teacherHash(studentRow)).toBe(teacherHash(teacherRow));
    expect(teacherRow.student).toEqual({ baseline: 'teacher' });
    expect(teacherRow.teacher!.train!.data).toEqual({ input: 'lr+hr' });
    expect(studentRow.data).toMatchObject({ teacherInput: 'lr+hr' });
    const task = studentRow.kd!.terms.find((t) => t.name === 'task')!;
    expect(task.fromStep).toBe(0.2 * studentRow.train!.steps);
    expect(studentRow.kd!.terms.find((t) => t.name === 'repr-kd')).toMatchObject({ loss: { kind: 'mrda-repr-kd', temperature: 0.15, l1Weight: 0.1 }, student: 'den.mlp', teacher: 'den.mlp' });
    const sizes = profile === 'paper' ? { channels: 64, blocks: 27, mlnChannels: 128, innerSteps: 5 } : { channels: 16, blocks: 4, mlnChannels: 8, innerSteps: 2 };
    expect(teacherRow.teacher!.model).toEqual({ arch: 'mrda', role: 'teacher', scale: 4, ...sizes });
    expect(studentRow.student).toMatchObject({ model: { arch: 'mrda', role: 'student', channels: sizes.channels, blocks: sizes.blocks }, init: { from: 'teacher', exclude: ['den.'] } });
  });
});

describe('MRDA teacher and student (micro, real MLflow server)', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>>;
  beforeAll(async () => {
    server = await startMlflowServer();
  }, 120000);
  afterAll(async () => server?.stop());

  it('caches the teacher, starts the RDAN from it, trains only the student DEN toward the teacher representation in the warm-up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-mrda-'));
    const config = microConfig(dir);
    const opts = { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: server.url, log: () => undefined };
    let initial!: { student: Weights; teacher: Weights; gap: number };
    await executeRun(resolveRun([config], { sets: ['train.steps=0', 'name=init'] }), {
      ...opts,
      afterTraining: ({ student, teacher }) => void (initial = { student: weightsOf(student), teacher: weightsOf(teacher!), gap: reprGap(student, teacher!) }),
    });
    let trained!: { student: Weights; teacher: Weights; gap: number };
    const result = await executeRun(resolveRun([config], { sets: ['name=mrda'] }), {
      ...opts,
      afterTraining: ({ student, teacher }) => void (trained = { student: weightsOf(student), teacher: weightsOf(teacher!), gap: reprGap(student, teacher!) }),
    });

    const srNames = [...initial.student.keys()].filter((n) => !isDen(n));
    const denNames = [...initial.student.keys()].filter(isDen);
    expect(srNames.length).toBeGreaterThan(10);
    // Initialised: the RDAN is the teacher's; the teacher has an MLN the student lacks.
    for (const n of srNames) expect({ n, copied: same(initial.student.get(n)!, initial.teacher.get(n)!) }).toEqual({ n, copied: true });
    expect([...initial.teacher.keys()].some((n) => n.startsWith('mln/'))).toBe(true);
    // Warm-up: the RDAN gets no gradient (unchanged), the DEN moved, toward the teacher's representation.
    for (const n of srNames) expect({ n, frozen: same(trained.student.get(n)!, initial.student.get(n)!) }).toEqual({ n, frozen: true });
    expect(denNames.filter((n) => !same(trained.student.get(n)!, initial.student.get(n)!)).length).toBeGreaterThan(denNames.length / 2);
    expect(trained.gap).toBeLessThan(0.8 * initial.gap);
    // The teacher (MLN meta weights included) is frozen in the student run.
    for (const [n, v] of trained.teacher) expect({ n, frozen: same(v, initial.teacher.get(n)!) }).toEqual({ n, frozen: true });

    const tracker = createTracker(server.url);
    const run = (await tracker.searchRuns({ experiment: 'blind-micro-mrda' })).find((r) => r.runId === result.runId)!;
    expect(run.status).toBe('FINISHED');
    for (const key of ['eval/Set5-g2.6/x4/psnr', 'eval/Set5-gmean/x4/psnr']) expect(run.metrics[key]).toBeCloseTo(result.metrics[key], 6);
    expect(result.metrics['eval/Set5-g2.6/x4/psnr']).toBeGreaterThan(5);
    const kd = await tracker.getMetricHistory(result.runId, 'train/repr-kd');
    expect(kd.map((p) => p.step)).toEqual([4, 8]);
    expect(await tracker.getMetricHistory(result.runId, 'train/task')).toEqual([]);
    const teachers = await tracker.searchRuns({ experiment: 'blind-micro-mrda-teachers' });
    expect(teachers.map((r) => [r.tags['kdlab.role'], r.status])).toEqual([['teacher-training', 'FINISHED']]);
  }, 240000);
});
