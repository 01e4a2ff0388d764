// Several runs logging at once: to one server (separate trackers, racing to
// create the same experiment) and to one local store (separate processes).
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalStore, MlflowClient, createTracker } from '../src';
import { collect, spawnLogger } from '../test-support/child';
import { pyRead, type PyRun } from '../test-support/python';

const URI = process.env.KDLAB_TEST_MLFLOW_URI!;
const direct = new MlflowClient({ trackingUri: URI, env: {} });

describe('concurrent runs', () => {
  it('several runs log to one server at once: every point lands, one experiment, one run each', async () => {
    const experiment = `conc-${randomUUID().slice(0, 8)}`;
    const N = 4;
    const POINTS = 2500;
    const fallback = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-conc-')), 'mlruns');
    const summaries = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const tracker = createTracker(URI, { env: {}, flushIntervalMs: 100, fallbackDir: fallback });
        const run = await tracker.startRun({ experiment, runName: `r${i}`, params: { worker: i } });
        for (let step = 0; step < POINTS; step++) {
          run.logMetrics({ loss: i + 1 / (step + 1), grad: step }, step);
          if (step % 250 === 0) await new Promise((r) => setImmediate(r));
        }
        return run.end();
      }),
    );
    for (const s of summaries) expect(s).toMatchObject({ store: 'server', degraded: false });
    const exp = (await direct.getExperimentByName(experiment))!;
    const runs = await direct.searchAllRuns({ experimentIds: [exp.experimentId], runViewType: 'ALL' });
    expect(runs.map((r) => r.info.runName).sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    for (const r of runs) {
      const i = Number(r.data.params.worker);
      const loss = await direct.getMetricHistory(r.info.runId, 'loss');
      expect(loss).toHaveLength(POINTS);
      expect(new Set(loss.map((m) => m.step)).size).toBe(POINTS);
      expect(loss.every((m) => Math.floor(m.value) === i || m.value === i + 1)).toBe(true);
      expect(await direct.getMetricHistory(r.info.runId, 'grad')).toHaveLength(POINTS);
    }
  });

  it('several processes write to one local store at once, creating the same experiment: no clash, MLflow reads it', async () => {
    const store = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-conc-store-')), 'mlruns');
    const experiment = 'shared-new-experiment';
    const POINTS = 3000;
    const children = ['p0', 'p1', 'p2'].map((name) => collect(spawnLogger([store, experiment, name, String(POINTS)])));
    const results = await Promise.all(children);
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const s = new LocalStore(store);
    const exps = s.listExperiments('ALL').filter((e) => e.name === experiment);
    expect(exps).toHaveLength(1);
    const runs = s.listRuns(exps[0].experimentId);
    expect(runs.map((r) => r.info.runName).sort()).toEqual(['p0', 'p1', 'p2']);
    for (const r of runs) {
      expect(s.getMetricHistory(r.info.runId, 'loss')).toHaveLength(POINTS);
      expect(r.info.status).toBe('FINISHED');
    }
    // No temporary file is left anywhere MLflow looks.
    const leftovers: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.name === '.kdlab-tmp') continue;
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.tmp')) leftovers.push(path.join(d, e.name));
      }
    };
    walk(store);
    expect(leftovers).toEqual([]);

    const [read] = pyRead([{ uri: `file://${store}`, experiment }]) as PyRun[][];
    expect(read.map((r) => r.run_name).sort()).toEqual(['p0', 'p1', 'p2']);
    for (const r of read) {
      expect(r.metrics.loss).toHaveLength(POINTS);
      expect(r.metrics.acc).toHaveLength(POINTS);
      expect(Object.keys(r.artifacts)).toEqual([`notes/${r.run_name}.txt`]);
    }
  });
});
