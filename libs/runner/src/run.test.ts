// The runner end to end on the toy task, logging to a real local MLflow-layout
// store in a temp dir: what lands in tracking, stop + resume bit-identity,
// the teacher cache, and the guards around run dirs.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBackbone, countFlops, countParams } from '@kdlab/backbones';
import { createTracker } from '@kdlab/tracking';
import type { ModelSpec } from './config/schema';
import { ConfigError } from './config/errors';
import { resolveConfig } from './config/resolve';
import { readWeightsDir } from './checkpoint/weights-dir';
import { registerTask } from './registry';
import { executeRun, type RunOptions } from './run';
import { RunInterrupted } from './train/loop';
import { StopSignals } from './signals';
import { toyTask } from './testing/toy-task';

registerTask(toyTask);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-run-'));
const store = path.join(tmp, 'mlruns');
const quiet = () => undefined;

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    experiment: 'toy',
    name: 'fd',
    method: 'student + FD',
    task: 'toy',
    seed: 1,
    data: {},
    teacher: {
      model: { arch: 'edsr', blocks: 1, channels: 8 },
      train: { optim: { optimizer: { kind: 'adam', lr: 0.01 } }, train: { steps: 6, checkpointEvery: 3 } },
    },
    student: { model: { arch: 'edsr', blocks: 1, channels: 4 } },
    kd: {
      terms: [
        { name: 'task', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'target' },
        { name: 'fd', loss: { kind: 'fitnet', distance: 'l1' }, weight: 0.004, student: 'body', teacher: 'body', adapter: { kind: 'conv1x1' } },
      ],
    },
    optim: { optimizer: { kind: 'adam', lr: 0.01 }, schedule: { kind: 'cosine', minLr: 0.001 } },
    train: { steps: 12, logEvery: 4, checkpointEvery: 4 },
    ...overrides,
  };
}

const opts = (runs: string): RunOptions => ({ runsDir: path.join(tmp, runs), cacheDir: path.join(tmp, 'cache'), trackingUri: store, log: quiet });

/** Stops (as SIGTERM would) once `after` steps have been checked. */
function stopAfter(after: number): StopSignals {
  let n = 0;
  const s = new StopSignals();
  s.requested = () => (++n >= after ? 'SIGTERM' : undefined);
  return s;
}

describe('executeRun', () => {
  it('logs metrics, params, provenance tags and artifacts, and trains the teacher once', async () => {
    const resolved = resolveConfig(config(), 'test');
    const result = await executeRun(resolved, opts('a'));
    expect(result.steps).toBe(12);
    const runs = await createTracker(store).searchRuns({ experiment: 'toy' });
    const student = runs.find((r) => r.runId === result.runId)!;
    expect(student.status).toBe('FINISHED');
    expect(student.params.seed).toBe('1');
    expect(student.params['kd.terms.1.loss.kind']).toBe('fitnet');
    expect(student.tags['kdlab.method']).toBe('student + FD');
    expect(student.tags['kdlab.selection']).toBe('last-epoch');
    expect(student.tags['kdlab.config_hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(student.tags['kdlab.git_commit']).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(student.tags['kdlab.backend']).toBe('tensorflow');
    expect(JSON.parse(student.tags['kdlab.versions'])['tensorflow-c']).toMatch(/^2\./);
    expect(Object.keys(JSON.parse(student.tags['kdlab.thread_env']))).toEqual(['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS', 'TF_ENABLE_ONEDNN_OPTS']);
    const kernels = JSON.parse(student.tags['kdlab.engine_kernels']);
    expect(kernels.changes).toContain('Relu gradient -> ReluGrad');
    expect(Object.keys(kernels.switches)).toEqual(['KDLAB_NATIVE_KERNELS', 'KDLAB_CONV_BIAS', 'KDLAB_FUSED_ACTIVATION', 'KDLAB_FUSED_BN', 'KDLAB_DEPTH_TO_SPACE']);
    expect(JSON.parse(student.tags['kdlab.data_checksums']).toy.sha256).toHaveLength(64);
    expect(student.metrics['eval/toy/mae']).toBeCloseTo(result.metrics['eval/toy/mae'], 6);
    // The student's own size (not the teacher's, not 0), FLOPs at the task's input size.
    const studentModel = buildBackbone((resolved.config.student as { model: ModelSpec }).model, 0);
    expect(student.metrics['model/params']).toBe(countParams(studentModel));
    expect(student.metrics['model/flops']).toBe(countFlops(studentModel, [6, 6]));
    expect(student.metrics['model/params']).toBeLessThan(countParams(buildBackbone(resolved.config.teacher!.model, 0)));
    for (const key of ['train/loss', 'train/task', 'train/fd', 'opt/lr']) expect(student.metrics[key]).toEqual(expect.any(Number));
    // Time spent making batches: a real duration, a fraction of the step (steps/s x ms/step < 1 s per s).
    expect(student.metrics['perf/data_ms']).toBeGreaterThan(0);
    expect((student.metrics['perf/data_ms'] * student.metrics['perf/steps_per_sec']) / 1000).toBeLessThan(1);
    const losses = await createTracker(store).getMetricHistory(result.runId, 'train/loss');
    expect(losses.map((p) => p.step)).toEqual([4, 8, 12]);
    const teacherRuns = await createTracker(store).searchRuns({ experiment: 'toy-teachers' });
    expect(teacherRuns.map((r) => [r.tags['kdlab.role'], r.status])).toEqual([['teacher-training', 'FINISHED']]);
    expect(runs.every((r) => r.tags['kdlab.role'] !== 'teacher-training')).toBe(true);
    expect(student.tags['kdlab.teacher_hash']).toMatch(/^[0-9a-f]{64}$/);
    for (const f of ['config.resolved.yaml', 'result.json', 'run.json', 'final/tensors.bin', 'eval/toy.json']) expect(fs.existsSync(path.join(result.runDir, f))).toBe(true);

    // Another student seed reuses the cached teacher: no second teacher run.
    await executeRun(resolveConfig(config({ seed: 2, name: 'fd-s2' }), 'test'), opts('a'));
    expect(await createTracker(store).searchRuns({ experiment: 'toy-teachers' })).toHaveLength(1);
  });

  it('stops at a step boundary with a checkpoint, marks the run KILLED, and resumes bit-identically', async () => {
    const straight = await executeRun(resolveConfig(config(), 'test'), opts('straight'));
    const run = resolveConfig(config(), 'test');
    const err = await executeRun(run, { ...opts('stopped'), signals: stopAfter(6) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunInterrupted);
    expect((err as RunInterrupted).step).toBe(6);
    const killed = (await createTracker(store).searchRuns({ experiment: 'toy' })).filter((r) => r.status === 'KILLED');
    expect(killed).toHaveLength(1);

    const resumed = await executeRun(run, { ...opts('stopped'), resume: true });
    expect(resumed.runId).toBe(killed[0].runId);
    const a = readWeightsDir(path.join(straight.runDir, 'final')).groups.model;
    const b = readWeightsDir(path.join(resumed.runDir, 'final')).groups.model;
    a.forEach((t, i) => expect(Array.from(b[i].data)).toEqual(Array.from(t.data)));
    expect(resumed.metrics['eval/toy/mae']).toBe(straight.metrics['eval/toy/mae']);
  });

  it('a signal that arrives after the last step still stops the process, with the run finished', async () => {
    const run = resolveConfig(config({ name: 'late', train: { steps: 4 } }), 'test');
    // The loop checks once per step (4 times); the 5th check is the one after evaluation.
    const err = await executeRun(run, { ...opts('late'), signals: stopAfter(5) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunInterrupted);
    expect((err as Error).message).toMatch(/the run had finished/);
    const [rec] = (await createTracker(store).searchRuns({ experiment: 'toy' })).filter((r) => r.runName === 'late');
    expect(rec.status).toBe('FINISHED');
    expect((await executeRun(run, { ...opts('late'), resume: true })).steps).toBe(4);
  });

  it('refuses to reuse a run dir without --resume, and to resume a changed config', async () => {
    const run = resolveConfig(config({ name: 'guarded', train: { steps: 2 } }), 'test');
    await executeRun(run, opts('guard'));
    await expect(executeRun(run, opts('guard'))).rejects.toThrow(/already holds run .*--resume.*--fresh/);
    const changed = resolveConfig(config({ name: 'guarded', train: { steps: 3 } }), 'test');
    await expect(executeRun(changed, { ...opts('guard'), resume: true })).rejects.toThrow(/config changed since run/);
    // A finished run resumed again is a no-op that returns its result.
    expect((await executeRun(run, { ...opts('guard'), resume: true })).steps).toBe(2);
  });

  it('evaluates baselines and the teacher without training', async () => {
    const base = await executeRun(resolveConfig(config({ name: 'nearest', teacher: undefined, kd: undefined, student: { baseline: 'nearest' } }), 'test'), opts('b'));
    expect(base.steps).toBe(0);
    // The toy target is the nearest-neighbour upsampling itself.
    expect(base.metrics['eval/toy/mae']).toBe(0);
    const teacher = await executeRun(resolveConfig(config({ name: 'teacher', kd: undefined, student: { baseline: 'teacher' } }), 'test'), opts('b'));
    expect(teacher.metrics['eval/toy/mae']).toBeGreaterThan(0);
    await expect(executeRun(resolveConfig(config({ name: 'x', teacher: undefined, kd: undefined, student: { baseline: 'bilinear' } }), 'test'), opts('b'))).rejects.toThrow(
      /unknown baseline "bilinear" \(task toy has: teacher, nearest\)/,
    );
  });
});

describe('resolveConfig', () => {
  it('validates the task sections with the task schema, naming the field', () => {
    const err = (() => {
      try {
        resolveConfig(config({ data: { batch: 'two' } }), 'test');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.issues).toEqual(['config.data.batch: Expected number, received string']);
  });

  it('names an unknown task', () => {
    expect(() => resolveConfig(config({ task: 'nope' }), 'test')).toThrow(/config\.task: unknown task "nope" \(known: .*toy/);
  });
});
