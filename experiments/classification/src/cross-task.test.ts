// Cross-task: the feature losses written for classification (AT, SP, and the
// shared FitNet) run unchanged on the super-resolution teacher-student pair —
// EDSR trunks ('body'), the sr task, the SR method configs
// (experiments/classification/configs/cross-task/sr-{at,sp}.yaml and the SR profile's own
// FitNet method, experiments/sisr/configs/methods/fd.yaml) — through the same runner.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import { DistillationObjective, tapModel } from '@kdlab/kd';
import { executeRun, resolveRun } from '@kdlab/runner';
import '@kdlab/sisr';
import { REPO, tempDir } from './testing/micro';

function microSr(dir: string): string {
  const file = path.join(dir, 'micro-sr.yaml');
  fs.writeFileSync(
    file,
    `extends: ${path.join(REPO, 'experiments/sisr/configs/base.yaml')}
experiment: cross-task
seed: 1
data: { scale: 2, train: [Set5], trainLimit: 2, lrPatch: 8, batch: 3, test: [Set5] }
eval: { limit: 1 }
teacher:
  model: { arch: edsr, blocks: 1, channels: 8 }
  train:
    optim: { optimizer: { kind: adam, lr: 0.001 } }
    train: { steps: 3, checkpointEvery: 3 }
student:
  model: { arch: edsr, blocks: 1, channels: 4 }
optim: { optimizer: { kind: adam, lr: 0.001 } }
train: { steps: 4, logEvery: 2, checkpointEvery: 4 }
`,
  );
  return file;
}

describe('classification feature losses on the SR teacher-student pair', () => {
  it('AT and SP on EDSR trunks: finite values, gradients into the student trunk, no adapter needed', () => {
    const teacher = buildBackbone({ arch: 'edsr', scale: 2, blocks: 2, channels: 16 }, 0);
    const student = buildBackbone({ arch: 'edsr', scale: 2, blocks: 1, channels: 8 }, 1);
    const objective = new DistillationObjective(
      [
        { name: 'task', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'target' },
        { name: 'at', loss: { kind: 'at' }, weight: 100, student: 'body', teacher: 'body' },
        { name: 'sp', loss: { kind: 'sp' }, weight: 100, student: 'body', teacher: 'body' },
      ],
      { student: { output: 3, body: 8 }, teacher: { output: 3, body: 16 } },
      0,
    );
    expect(objective.trainableWeights).toHaveLength(0); // width-free losses: no adapter
    const s = tapModel(student, ['body']);
    const t = tapModel(teacher, ['body']);
    const lr = tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 2);
    const hr = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 3);
    const teacherTaps = t.forward(lr, false);
    const values: Record<string, number> = {};
    const { grads } = tf.variableGrads(() => {
      const out = objective.compute(s.forward(lr, true), teacherTaps, hr);
      for (const [k, v] of Object.entries(out.terms)) values[k] = v.dataSync()[0];
      return out.total;
    }, student.trainableWeights.map((w) => w.read() as never));
    expect(values.at).toBeGreaterThan(0);
    expect(values.sp).toBeGreaterThan(0);
    const trunk = student.getLayer('body.block0.conv1').getWeights()[0];
    const g = Object.entries(grads).find(([name]) => name.includes('body.block0.conv1'))![1] as Tensor;
    expect(g.shape).toEqual(trunk.shape);
    expect(g.abs().sum().dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([lr, hr, ...Object.values(grads), teacherTaps.output, ...Object.values(teacherTaps.features)]);
    teacher.dispose();
    student.dispose();
  });

  it.each(['experiments/classification/configs/cross-task/sr-at.yaml', 'experiments/classification/configs/cross-task/sr-sp.yaml', 'experiments/sisr/configs/methods/fd.yaml'])('the SR method config %s runs through the runner on the sr task', async (method) => {
    const dir = tempDir('cross-task');
    const run = resolveRun([microSr(dir), path.join(REPO, method)]);
    const result = await executeRun(run, { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: `file:${path.join(dir, 'mlruns')}`, log: () => undefined });
    expect(result.status).toBe('FINISHED');
    expect(Number.isFinite(result.metrics['eval/Set5/x2/psnr'])).toBe(true);
  }, 120000);
});
