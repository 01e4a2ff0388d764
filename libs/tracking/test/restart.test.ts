// The server killed mid-run and restarted (its own server, same port and
// database): a patient run loses no metric and makes no second run; an
// impatient one (small retry budget) carries on in the local store, and a
// push (what `kdlab runs push` runs) completes it on the server, still as one run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLIENT_RUN_ID_TAG, LocalStore, MlflowClient, createTracker, pushStore, type RunRecorder } from '../src';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require('../../../tools/testing/mlflow-server.js') as typeof import('../../../tools/testing/mlflow-server');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('server killed and restarted mid-run', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>> | undefined;
  afterAll(async () => {
    await server?.stop();
    if (server) fs.rmSync(server.dir, { recursive: true, force: true });
  });

  it('loses no metric and makes no duplicate run', async () => {
    // Two server start-ups on busy cores: allow more than the preset's 120 s.
    server = await startMlflowServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-restart-'));
    const warnings: string[] = [];
    const patient = createTracker(server.url, {
      env: {},
      // Retries at most 1.5 s apart for 150 s: the restart is noticed soon after the server is back.
      http: { backoffFactor: 0.25, backoffJitter: 0.2, backoffMaxSeconds: 1.5, maxRetries: 100, timeoutMs: 5000 },
      flushIntervalMs: 100,
      fallbackDir: path.join(dir, 'fallback-a'),
      log: (m) => warnings.push(`A: ${m}`),
    });
    const impatient = createTracker(server.url, {
      env: {},
      http: { backoffFactor: 0.05, backoffJitter: 0, maxRetries: 1, timeoutMs: 2000 },
      flushIntervalMs: 100,
      fallbackDir: path.join(dir, 'fallback-b'),
      autoPush: false,
      log: (m) => warnings.push(`B: ${m}`),
    });
    const a = await patient.startRun({ experiment: 'restart', runName: 'patient', params: { budget: 'long' } });
    const b = await impatient.startRun({ experiment: 'restart', runName: 'impatient', params: { budget: 'short' } });
    const PER_PHASE = 1500;
    let step = 0;
    const train = async (runs: RunRecorder[], n: number) => {
      for (let i = 0; i < n; i++, step++) {
        for (const r of runs) r.logMetrics({ loss: 1 / (step + 1), step_ms: 10 + (step % 7) }, step);
        if (i % 50 === 0) await sleep(1); // a training step yields now and then
      }
    };

    await train([a, b], PER_PHASE);
    await Promise.all([a.flush(), b.flush()]);
    await server.kill(); // a crash: SIGKILL to the server's process group
    await train([a, b], PER_PHASE); // the run goes on while the server is gone
    await sleep(300);
    expect(b.degraded).toBe(true); // its retries ran out: it continues in the local store
    expect(a.degraded).toBe(false); // still retrying
    server = await startMlflowServer({ dir: server.dir, port: server.port });
    await train([a, b], PER_PHASE);
    const [sa, sb] = await Promise.all([a.end(), b.end()]);
    expect(sa).toMatchObject({ store: 'server', degraded: false, status: 'FINISHED' });
    expect(sb).toMatchObject({ store: 'local', degraded: true, pushed: false, status: 'FINISHED' });
    expect(warnings.join('\n')).toMatch(/B: tracking: MLflow server .* unavailable .* continues in the local store/);

    const client = new MlflowClient({ trackingUri: server.url, env: {} });
    const total = 3 * PER_PHASE;
    const ra = await client.getRun(sa.runId);
    expect(ra.info.status).toBe('FINISHED');
    for (const key of ['loss', 'step_ms']) {
      const h = await client.getMetricHistory(sa.runId, key);
      expect(h).toHaveLength(total);
      expect(new Set(h.map((m) => m.step)).size).toBe(total);
    }

    // B: the server has what was sent before the crash; the rest is in the fallback store.
    const pushed = await pushStore(new LocalStore(path.join(dir, 'fallback-b')), client);
    expect(pushed).toMatchObject({ runsCreated: 0, runsUpdated: 1, errors: [] });
    const exp = (await client.getExperimentByName('restart'))!;
    const runs = await client.searchAllRuns({ experimentIds: [exp.experimentId], runViewType: 'ALL' });
    expect(runs.map((r) => r.info.runName).sort()).toEqual(['impatient', 'patient']);
    const rb = runs.find((r) => r.info.runName === 'impatient')!;
    expect(rb.data.tags[CLIENT_RUN_ID_TAG]).toBe(b.clientRunId);
    expect(rb.info.runId).toBe(b.runId);
    expect(rb.info.status).toBe('FINISHED');
    expect(rb.data.params.budget).toBe('short');
    for (const key of ['loss', 'step_ms']) {
      const h = await client.getMetricHistory(rb.info.runId, key);
      expect(h).toHaveLength(total);
      expect(new Set(h.map((m) => m.step)).size).toBe(total);
    }
  }, 300_000);
});
