// withRun: FAILED when the work throws, KILLED on SIGTERM/SIGINT, flushed first.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalStore, createTracker, withRun } from '../src';
import { collect, spawnLogger, waitForLine } from '../test-support/child';

const tmpStore = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-life-')), 'mlruns');

describe('withRun', () => {
  it('marks the run FAILED when the work throws, after flushing, and rethrows', async () => {
    const root = tmpStore();
    const tracker = createTracker(root);
    let runId = '';
    await expect(
      withRun(tracker, { experiment: 'life', runName: 'boom' }, async (run) => {
        runId = run.runId;
        for (let i = 0; i < 1234; i++) run.logMetric('loss', i, i);
        throw new Error('diverged at step 1234');
      }),
    ).rejects.toThrow('diverged at step 1234');
    const store = new LocalStore(root);
    const run = store.getRun(runId);
    expect(run.info.status).toBe('FAILED');
    expect(run.info.endTime).toBeDefined();
    expect(run.data.tags['kdlab.error']).toBe('diverged at step 1234');
    expect(store.getMetricHistory(runId, 'loss')).toHaveLength(1234);
  });

  it('marks the run FINISHED when the work returns', async () => {
    const tracker = createTracker(tmpStore());
    const { result, summary } = await withRun(tracker, { experiment: 'life' }, (run) => {
      run.logMetric('x', 1, 0);
      return 42;
    });
    expect(result).toBe(42);
    expect(summary.status).toBe('FINISHED');
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('marks the run KILLED on %s, keeping every point logged before it', async (signal, exitCode) => {
    const root = tmpStore();
    const child = spawnLogger([root, 'life', `sig-${signal}`, '500', 'signal']);
    const done = collect(child);
    const m = await waitForLine(child, /ready (\d+)/);
    const flushedBefore = Number(m[1]);
    child.kill(signal);
    const r = await done;
    expect(r.stderr).toMatch(new RegExp(`${signal}: ending run sig-${signal} as KILLED`));
    expect(r.code).toBe(exitCode);
    const store = new LocalStore(root);
    const exp = store.getExperimentByName('life')!;
    const [run] = store.listRuns(exp.experimentId);
    expect(run.info.status).toBe('KILLED');
    expect(run.info.endTime).toBeDefined();
    expect(store.getMetricHistory(run.info.runId, 'loss').length).toBeGreaterThanOrEqual(flushedBefore);
  });

  it('sends buffered points before the process exits even without end()', async () => {
    const root = tmpStore();
    const r = await collect(spawnLogger([root, 'life', 'no-end', '777', 'noend']));
    expect(r.code).toBe(0);
    const runId = r.stdout.trim();
    const store = new LocalStore(root);
    expect(store.getMetricHistory(runId, 'loss')).toHaveLength(777);
    expect(store.getRun(runId).info.status).toBe('RUNNING');
  });
});
