// Crash/resume: a run killed mid-way (a real SIGKILL, then a SIGTERM) and
// resumed ends with exactly the weights of an uninterrupted run of the same
// seed, in the same tracking run, through the `kdlab run` command; and every
// metric has exactly one point per step in the tracking store (the steps
// replayed after the last checkpoint are not logged twice), in the local file
// store and on a real MLflow server.
import * as fs from 'fs';
import * as path from 'path';
import { readWeightsDir, readRunState } from '@kdlab/runner';
import { createTracker, type MetricPoint } from '@kdlab/tracking';
import { REPO, kdlab, microConfig, tempDir, waitFor } from './testing/micro';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(REPO, 'tools/testing/mlflow-server.js')) as typeof import('../../../tools/testing/mlflow-server');

const dir = tempDir('resume');
const config = microConfig(dir);
const cacheDir = path.join(dir, 'cache');
const store = path.join(dir, 'mlruns');
// Every step logged, so points between the last checkpoint and the kill exist.
const common = ['--cache-dir', cacheDir, '--set', 'train.logEvery=1'];
const runDir = (root: string) => path.join(dir, root, 'micro', 'fd');
const finalWeights = (root: string) => readWeightsDir(path.join(runDir(root), 'final')).groups.model;
const checkpointSteps = (root: string) => {
  const d = path.join(runDir(root), 'checkpoints');
  return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => /^step-\d+$/.test(f)).map((f) => Number(f.slice(5))) : [];
};

/** Every metric's points of a run, by key. */
async function histories(uri: string, runId: string): Promise<Record<string, MetricPoint[]>> {
  const tracker = createTracker(uri);
  const record = (await tracker.searchRuns({ experiment: 'micro' })).find((r) => r.runId === runId)!;
  const out: Record<string, MetricPoint[]> = {};
  for (const key of Object.keys(record.metrics).sort()) out[key] = (await tracker.getMetricHistory(runId, key)).sort((a, b) => a.step - b.step);
  return out;
}

/** SIGKILLs a run once its store holds a point logged after its newest checkpoint; returns its tracking run id. */
async function killAfterUncheckpointedPoints(root: string, uri: string): Promise<{ runId: string; lastCheckpoint: number; loggedBeyond: number }> {
  // 400 ms a step: the 5 steps between checkpoints (2 s) outlast the tracker's 1 s flush interval, so points
  // logged after a checkpoint reach the store before the next checkpoint even on an idle machine.
  const run = kdlab(['run', config, '--runs-dir', path.join(dir, root), '--tracking-uri', uri, ...common], { KDLAB_STEP_DELAY_MS: '400' });
  await waitFor(() => checkpointSteps(root).length > 0 && readRunState(runDir(root)) !== undefined, 90000, 'a first checkpoint');
  const runId = readRunState(runDir(root))!.runId;
  const tracker = createTracker(uri);
  const end = Date.now() + 60000;
  for (;;) {
    const steps = (await tracker.getMetricHistory(runId, 'train/loss').catch(() => [])).map((p) => p.step);
    const lastCheckpoint = Math.max(...checkpointSteps(root));
    const beyond = steps.filter((s) => s > lastCheckpoint).length;
    if (beyond >= 2 || Date.now() > end) {
      run.child.kill('SIGKILL');
      expect((await run.done).signal).toBe('SIGKILL');
      return { runId, lastCheckpoint: Math.max(...checkpointSteps(root)), loggedBeyond: beyond };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expectOnePointPerStep(got: Record<string, MetricPoint[]>, reference: Record<string, MetricPoint[]>): void {
  expect(Object.keys(got)).toEqual(Object.keys(reference));
  for (const [key, points] of Object.entries(got)) {
    const steps = points.map((p) => p.step);
    expect([key, steps]).toEqual([key, [...new Set(steps)]]); // no step twice
    expect([key, steps]).toEqual([key, reference[key].map((p) => p.step)]); // and none missing
    if (key.startsWith('train/')) expect([key, points.map((p) => p.value)]).toEqual([key, reference[key].map((p) => p.value)]);
  }
}

describe('kdlab run: kill and resume', () => {
  it('a SIGKILLed, then SIGTERMed, then resumed run ends bit-identical to an uninterrupted one, one metric point per step', async () => {
    // Uninterrupted (this also trains and caches the micro teacher).
    const straight = await kdlab(['run', config, '--runs-dir', path.join(dir, 'a'), '--tracking-uri', store, ...common]).done;
    expect(straight.stderr).not.toMatch(/Error/);
    expect(straight.code).toBe(0);

    // Killed for real once the store holds points logged after the newest checkpoint.
    const { runId, loggedBeyond } = await killAfterUncheckpointedPoints('b', store);
    expect(loggedBeyond).toBeGreaterThanOrEqual(2);
    expect(fs.existsSync(path.join(runDir('b'), 'final'))).toBe(false);

    // Resumed, then stopped gracefully: checkpoint at the current step, run KILLED, exit 143.
    const slow = { KDLAB_STEP_DELAY_MS: '150' };
    const second = kdlab(['run', config, '--resume', '--runs-dir', path.join(dir, 'b'), '--tracking-uri', store, ...common], slow);
    await waitFor(() => Math.max(...checkpointSteps('b')) >= 15, 60000, 'a checkpoint at step 15');
    second.child.kill('SIGTERM');
    const stopped = await second.done;
    expect(stopped.stderr).toMatch(/resumed from .*step-000000\d\d/);
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toMatch(/SIGTERM at step \d+: checkpoint saved/);
    const statusOf = async (id: string) => (await createTracker(store).searchRuns({ experiment: 'micro' })).find((r) => r.runId === id)?.status;
    expect(await statusOf(runId)).toBe('KILLED');

    // Resumed to the end.
    const last = await kdlab(['run', config, '--resume', '--runs-dir', path.join(dir, 'b'), '--tracking-uri', store, ...common]).done;
    expect(last.code).toBe(0);
    expect(readRunState(runDir('b'))!.runId).toBe(runId);
    expect(await statusOf(runId)).toBe('FINISHED');

    const a = finalWeights('a');
    const b = finalWeights('b');
    expect(b.map((t) => t.shape)).toEqual(a.map((t) => t.shape));
    a.forEach((t, i) => expect(Buffer.from(b[i].data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true));

    const straightId = readRunState(runDir('a'))!.runId;
    expectOnePointPerStep(await histories(store, runId), await histories(store, straightId));
  }, 300000);

  it('on a real MLflow server too: after a SIGKILL and --resume every metric has exactly one point per step', async () => {
    const mlflow = await startMlflowServer();
    try {
      await againstServer(mlflow.url);
    } finally {
      await mlflow.stop();
    }
  }, 400000);
});

/** A straight run and a SIGKILLed-then-resumed one against `server`: same points, one per step. */
async function againstServer(server: string): Promise<void> {
  expect(server).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  const straight = await kdlab(['run', config, '--runs-dir', path.join(dir, 'c'), '--tracking-uri', server, ...common]).done;
  expect(straight.code).toBe(0);
  const { runId, loggedBeyond } = await killAfterUncheckpointedPoints('d', server);
  expect(loggedBeyond).toBeGreaterThanOrEqual(2);
  const resumed = await kdlab(['run', config, '--resume', '--runs-dir', path.join(dir, 'd'), '--tracking-uri', server, ...common]).done;
  expect(resumed.code).toBe(0);
  expect(readRunState(runDir('d'))!.runId).toBe(runId);
  expectOnePointPerStep(await histories(server, runId), await histories(server, readRunState(runDir('c'))!.runId));
}
