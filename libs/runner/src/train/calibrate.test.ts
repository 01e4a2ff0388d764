// The cross-task weight rule through the runner (toy task, real tensorflow backend, a local MLflow-layout
// store): the calibrated term starts at exactly `fraction` of the task loss on the first batch, the
// measurement leaves training untouched (same final weights as a run given that weight by hand), and a
// resumed run recomputes the same weight (bit-identical to an uninterrupted run).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTracker } from '@kdlab/tracking';
import { readWeightsDir } from '../checkpoint/weights-dir';
import { resolveConfig } from '../config/resolve';
import { ConfigError } from '../config/errors';
import { registerTask } from '../registry';
import { executeRun, type RunOptions } from '../run';
import { StopSignals } from '../signals';
import { toyTask } from '../testing/toy-task';
import { RunInterrupted } from './loop';

registerTask(toyTask);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-calibrate-'));
const store = path.join(tmp, 'mlruns');
const opts = (runs: string): RunOptions => ({ runsDir: path.join(tmp, runs), cacheDir: path.join(tmp, 'cache'), trackingUri: store, log: () => undefined });

function config(name: string, fdWeight: number, calibrate?: object): Record<string, unknown> {
  return {
    experiment: 'toy-calibrate',
    name,
    task: 'toy',
    seed: 4,
    data: {},
    teacher: { model: { arch: 'edsr', blocks: 1, channels: 8 }, train: { optim: { optimizer: { kind: 'adam', lr: 0.01 } }, train: { steps: 4, checkpointEvery: 4 } } },
    student: { model: { arch: 'edsr', blocks: 1, channels: 4 } },
    kd: {
      terms: [
        { name: 'task', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'target' },
        { name: 'fd', loss: { kind: 'fitnet', distance: 'l2' }, weight: fdWeight, student: 'body', teacher: 'body', adapter: { kind: 'conv1x1' } },
      ],
      ...(calibrate ? { calibrate } : {}),
    },
    optim: { optimizer: { kind: 'adam', lr: 0.01 } },
    train: { steps: 6, logEvery: 1, checkpointEvery: 2 },
  };
}

const finalWeights = (runDir: string) => readWeightsDir(path.join(runDir, 'final')).groups.model.map((t) => Array.from(t.data));

describe('kd.calibrate: each term starts at a fraction of the task loss on the first batch', () => {
  it('sets the weight so that w * L_fd = fraction * L_task at the first step, without disturbing training', async () => {
    const calibrated = await executeRun(resolveConfig(config('calibrated', 1, { fraction: 0.25 }), 'test'), opts('a'));
    const tracker = createTracker(store);
    const [w] = await tracker.getMetricHistory(calibrated.runId, 'kd/weight/fd');
    const [task] = await tracker.getMetricHistory(calibrated.runId, 'train/task');
    const [fd] = await tracker.getMetricHistory(calibrated.runId, 'train/fd');
    const [taskLoss] = await tracker.getMetricHistory(calibrated.runId, 'kd/calibration_task_loss');
    expect(w.step).toBe(0);
    expect(task.step).toBe(1); // the mean over the one first step: the value on the first batch
    expect(taskLoss.value).toBeCloseTo(task.value, 6);
    expect((w.value * fd.value) / task.value).toBeCloseTo(0.25, 5);
    expect(w.value).not.toBeCloseTo(1, 3); // the configured weight (1) was replaced

    // The same run with that weight typed in: identical training, so the measurement rewound the
    // stream and restored the student.
    const byHand = await executeRun(resolveConfig(config('by-hand', w.value), 'test'), opts('a'));
    expect(finalWeights(byHand.runDir)).toEqual(finalWeights(calibrated.runDir));

    // Stopped after 2 steps and resumed: the weight is measured again before the checkpoint is
    // restored, so the run ends bit-identical to the uninterrupted one.
    const run = resolveConfig(config('calibrated', 1, { fraction: 0.25 }), 'test');
    let n = 0;
    const signals = new StopSignals();
    signals.requested = () => (++n >= 2 ? 'SIGTERM' : undefined);
    await expect(executeRun(run, { ...opts('b'), signals })).rejects.toBeInstanceOf(RunInterrupted);
    const resumed = await executeRun(run, { ...opts('b'), resume: true });
    expect(finalWeights(resumed.runDir)).toEqual(finalWeights(calibrated.runDir));
  });

  it('refuses to calibrate a task term or an unknown one, naming the field', () => {
    expect(() => resolveConfig(config('bad', 1, { fraction: 0.5, terms: ['task'] }), 'test')).toThrow(ConfigError);
    expect(() => resolveConfig(config('bad', 1, { fraction: 0.5, terms: ['task'] }), 'test')).toThrow(/kd\.calibrate\.terms\[0\].*task term/);
    expect(() => resolveConfig(config('bad', 1, { fraction: 0.5, terms: ['nope'] }), 'test')).toThrow(/no term named "nope"/);
  });
});
