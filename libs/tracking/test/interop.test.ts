// Interop with MLflow itself: what we log to the server, MLflow's Python client
// reads back identically; a local store we write, MLflow reads (its file store,
// as `mlflow ui --backend-store-uri` does) and migrates (`mlflow
// migrate-filestore`); and `kdlab runs push` reproduces it on the server, idempotently.
import { spawnSync } from 'child_process';
import { createHash, randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MlflowClient, createTracker, type MlflowTracker, type RunRecorder } from '../src';
import { pyRead, pyValue, ROOT, type PyRun } from '../test-support/python';

const URI = process.env.KDLAB_TEST_MLFLOW_URI!;
const direct = new MlflowClient({ trackingUri: URI, env: {} });
const T0 = 1700000000000;
const MAXD = Number.MAX_VALUE;

function kdlab(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  for (const k of Object.keys(env)) if (k.startsWith('MLFLOW_')) delete env[k];
  return spawnSync(process.execPath, [path.join(ROOT, 'tools/cli/bin/kdlab.js'), ...args], { cwd: ROOT, encoding: 'utf8', env });
}

interface Logged {
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, [number, number, number | string][]>;
  artifacts: Record<string, string>;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Logs the same rich run on any tracker and returns what a reader must see. */
async function logRichRun(tracker: MlflowTracker, experiment: string, files: string): Promise<{ run: RunRecorder; logged: Logged }> {
  const params = { lr: 0.001, optimizer: 'adam', 'model/depth': 16, long: 'p'.repeat(6000), 'yes': 'no' };
  const run = await tracker.startRun({ experiment, runName: 'interop', params, tags: { purpose: 'interop', 'kdlab.note': 't'.repeat(8000) } });
  const metrics: Logged['metrics'] = {};
  const log = (key: string, value: number, step: number) => {
    run.logMetric(key, value, step, T0 + step);
    (metrics[key] ??= []).push([step, T0 + step, pyValue(value)]);
  };
  for (let step = 0; step < 1500; step++) {
    log('train/loss', Math.exp(-step / 300) + 1e-9 * step, step);
    if (step % 3 === 0) log('lr', 0.001 * 0.5 ** Math.floor(step / 500), step);
  }
  log('odd', NaN, 0);
  log('odd', Infinity, 1);
  log('odd', -Infinity, 2);
  log('odd', -0.5, 3);
  log('odd', 1e-300, 4);
  log('odd', 123456789.125, 5);
  const bin = randomBytes(200_000);
  fs.mkdirSync(path.join(files, 'ckpt/sub'), { recursive: true });
  fs.writeFileSync(path.join(files, 'ckpt/weights.bin'), bin);
  fs.writeFileSync(path.join(files, 'ckpt/sub/state.json'), '{"step":1500}');
  fs.writeFileSync(path.join(files, 'config.yaml'), 'lr: 0.001\n');
  expect(await run.logArtifact(path.join(files, 'config.yaml'))).toBe('config.yaml');
  expect(await run.logArtifact(path.join(files, 'ckpt'), 'final')).toEqual(['final/sub/state.json', 'final/weights.bin']);
  run.setTag('stage', 'done');
  for (const v of Object.values(metrics)) v.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const logged: Logged = {
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
    tags: { ...run.tagsSnapshot() },
    metrics,
    artifacts: {
      'config.yaml': sha(Buffer.from('lr: 0.001\n')),
      'final/weights.bin': sha(bin),
      'final/sub/state.json': sha(Buffer.from('{"step":1500}')),
    },
  };
  return { run, logged };
}

/** A SQL-backed server keeps ±Infinity as ±max double (MLflow's SqlAlchemyStore). */
function asOnSqlServer(l: Logged): Logged {
  const metrics: Logged['metrics'] = {};
  for (const [k, pts] of Object.entries(l.metrics)) metrics[k] = pts.map(([s, t, v]) => [s, t, v === 'Infinity' ? MAXD : v === '-Infinity' ? -MAXD : v]);
  return { ...l, metrics };
}

function expectSame(py: PyRun, l: Logged) {
  expect(py.params).toEqual(l.params);
  expect(py.tags).toEqual(l.tags);
  expect(Object.keys(py.metrics).sort()).toEqual(Object.keys(l.metrics).sort());
  for (const k of Object.keys(l.metrics)) expect([k, py.metrics[k]]).toEqual([k, l.metrics[k]]);
  expect(py.artifacts).toEqual(l.artifacts);
}

describe("interop with MLflow's own Python client", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-interop-'));
  const store = path.join(dir, 'mlruns');
  const experiment = `interop-${randomUUID().slice(0, 8)}`;

  it('reads what we log to the server, and to a local store; `kdlab runs push` reproduces the local run on the server, once', async () => {
    // 1. The server, through the batching Tracker.
    const server = createTracker(URI, { env: {}, fallbackDir: path.join(dir, 'fallback') });
    const a = await logRichRun(server, experiment, path.join(dir, 'files-a'));
    const sa = await a.run.end('FINISHED');
    expect(sa).toMatchObject({ store: 'server', degraded: false });

    // 2. The embedded store.
    const local = createTracker(store);
    const b = await logRichRun(local, experiment, path.join(dir, 'files-b'));
    const sb = await b.run.end('FAILED');
    expect(sb.store).toBe('local');

    // 3. Push the store to the server, twice.
    const push1 = kdlab('runs', 'push', '--from', store, '--to', URI);
    expect(push1.stderr).toBe('');
    expect(push1.status).toBe(0);
    const points = Object.values(b.logged.metrics).reduce((n, v) => n + v.length, 0);
    expect(points).toBe(2006);
    expect(push1.stdout).toContain(`runs 1 created, 0 updated, 0 unchanged; ${points} metric points, 5 params, 0 tags, 3 artifacts sent`);
    const push2 = kdlab('runs', 'push', '--from', store, '--to', URI);
    expect(push2.status).toBe(0);
    expect(push2.stdout).toMatch(/runs 0 created, 0 updated, 1 unchanged; 0 metric points, 0 params, 0 tags, 0 artifacts sent/);
    const exp = (await direct.getExperimentByName(experiment))!;
    const onServer = await direct.searchAllRuns({ experimentIds: [exp.experimentId], runViewType: 'ALL' });
    expect(onServer).toHaveLength(2);
    const pushed = onServer.find((r) => r.info.runId !== sa.runId)!;

    // 4. MLflow's own migration tool takes the store as it is.
    const migrated = `sqlite:///${path.join(dir, 'migrated.db')}`;
    const mig = spawnSync(path.join(ROOT, '.venv/bin/mlflow'), ['migrate-filestore', '--source', store, '--target', migrated], {
      encoding: 'utf8',
      env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true' },
    });
    expect(mig.status).toBe(0);
    expect(mig.stdout).toMatch(/Migration completed successfully/);

    // 5. MLflow reads all four.
    const [pa, pb, pp, pm] = pyRead([
      { uri: URI, run_id: sa.runId },
      { uri: `file://${store}`, run_id: sb.runId },
      { uri: URI, run_id: pushed.info.runId },
      { uri: migrated, run_id: sb.runId },
    ]) as PyRun[];

    expectSame(pa, asOnSqlServer(a.logged));
    expect(pa).toMatchObject({ status: 'FINISHED', run_name: 'interop' });
    // Our client reads the server back the same as MLflow's does.
    for (const [k, pts] of Object.entries(pa.metrics)) {
      const ours = (await direct.getMetricHistory(sa.runId, k)).map((m) => [m.step, m.timestamp, pyValue(m.value)]).sort((x, y) => (x[0] as number) - (y[0] as number));
      expect(ours).toEqual(pts);
    }

    expectSame(pb, b.logged); // the file store keeps inf as inf
    expect(pb).toMatchObject({ status: 'FAILED', run_name: 'interop', start_time: b.run.startTime });
    expect(pb.end_time).toBeGreaterThanOrEqual(pb.start_time);

    expectSame(pp, asOnSqlServer(b.logged));
    expect(pp).toMatchObject({ status: 'FAILED', run_name: 'interop', start_time: pb.start_time, end_time: pb.end_time });

    expectSame(pm, asOnSqlServer(b.logged));
    expect(pm).toMatchObject({ status: 'FAILED', start_time: pb.start_time, end_time: pb.end_time });

    // 6. `kdlab runs ls` on both.
    const lsLocal = kdlab('runs', 'ls', '--from', store, '--experiment', experiment);
    expect(lsLocal.status).toBe(0);
    expect(lsLocal.stdout).toContain(`${sb.runId}  interop  FAILED`);
    const lsServer = kdlab('runs', 'ls', '--from', URI, '--experiment', experiment, '--json');
    expect(lsServer.status).toBe(0);
    expect(JSON.parse(lsServer.stdout).runs.map((r: { info: { runId: string } }) => r.info.runId).sort()).toEqual([sa.runId, pushed.info.runId].sort());
  });
});
