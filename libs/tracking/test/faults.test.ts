// Faults between the client and a real MLflow server: a proxy answers 503 and
// 429 (with Retry-After), hangs, or loses the answer to a runs/create that
// the server did carry out. Invalid input is rejected before any request.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { inspect } from 'util';
import { CLIENT_RUN_ID_TAG, MlflowApiError, MlflowClient, MlflowUnavailableError, TrackingValidationError, createTracker, type HttpSettings } from '../src';
import { FaultProxy } from '../test-support/fault-proxy';

const URI = process.env.KDLAB_TEST_MLFLOW_URI!;
const direct = new MlflowClient({ trackingUri: URI, env: {} });
const fast: Partial<HttpSettings> = { backoffFactor: 0.05, backoffJitter: 0.01, maxRetries: 5, timeoutMs: 10000 };
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
const tmpStore = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-faults-')), 'mlruns');

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await new FaultProxy(URI).start();
});
afterAll(() => proxy.stop());
beforeEach(() => proxy.clear());

function viaProxy(http: Partial<HttpSettings> = fast, env: NodeJS.ProcessEnv = {}) {
  return new MlflowClient({ trackingUri: proxy.url, env, http });
}

describe('retries through a faulty proxy', () => {
  it('retries 503 answers until the batch lands, once', async () => {
    const c = viaProxy();
    const exp = await c.getOrCreateExperiment(uniq('f503'));
    const run = await c.createRun({ experimentId: exp.experimentId });
    proxy.inject({ match: 'runs/log-batch', times: 3, status: 503 });
    await c.logBatch(run.info.runId, { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] });
    expect(proxy.requests('runs/log-batch').map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(await direct.getMetricHistory(run.info.runId, 'm')).toHaveLength(1);
  });

  it('says once that the server stopped answering (server, attempt, next try) and once that it is back', async () => {
    const logs: string[] = [];
    const tracker = createTracker(proxy.url, { http: fast, env: {}, flushIntervalMs: 50, log: (m) => logs.push(m), fallbackDir: tmpStore() });
    const run = await tracker.startRun({ experiment: uniq('foutage') });
    proxy.inject({ match: 'runs/log-batch', times: 3, status: 503 });
    run.logMetric('m', 1, 0);
    await run.flush();
    await run.end();
    const outage = logs.filter((l) => /is not answering/.test(l));
    const back = logs.filter((l) => /answers again/.test(l));
    expect(outage).toHaveLength(1);
    expect(outage[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/? is not answering \(HTTP 503\); retrying POST \S*runs\/log-batch: attempt 1, next try in \d+\.\d s/);
    expect(back).toHaveLength(1);
    expect(logs.indexOf(back[0])).toBeGreaterThan(logs.indexOf(outage[0]));
  });

  it('honours Retry-After on 429', async () => {
    const c = viaProxy();
    const exp = await c.getOrCreateExperiment(uniq('f429'));
    proxy.inject({ match: 'runs/create', times: 2, status: 429, headers: { 'Retry-After': '1' } });
    const t = Date.now();
    await c.createRun({ experimentId: exp.experimentId });
    const took = Date.now() - t;
    const creates = proxy.requests('runs/create');
    expect(creates.map((r) => r.status)).toEqual([429, 429, 200]);
    // Backoff alone would wait ~0.1 s; Retry-After asked for 1 s before each retry.
    expect(creates[1].at - creates[0].at).toBeGreaterThanOrEqual(950);
    expect(took).toBeGreaterThanOrEqual(1900);
  });

  it('retries a request that times out', async () => {
    const c = viaProxy({ ...fast, timeoutMs: 400 });
    proxy.inject({ match: 'experiments/get-by-name', times: 1, delayMs: 1500 });
    const exp = await c.getOrCreateExperiment(uniq('ftimeout'));
    expect(exp.experimentId).toBeTruthy();
    expect(proxy.requests('experiments/get-by-name').length).toBeGreaterThanOrEqual(2);
  });

  it('does not retry a 4xx, and reports retries running out', async () => {
    const c = viaProxy();
    proxy.inject({ match: 'runs/get', times: 1, status: 400, body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'nope' }) });
    const e1 = await c.getRun('abc').catch((e) => e);
    expect(e1).toBeInstanceOf(MlflowApiError);
    expect(e1.message).toMatch(/HTTP 400 INVALID_PARAMETER_VALUE: nope/);
    expect(proxy.requests('runs/get')).toHaveLength(1);

    proxy.clear();
    proxy.inject({ match: 'runs/get', times: 100, status: 502 });
    const e2 = await viaProxy({ ...fast, maxRetries: 2 }).getRun('abc').catch((e) => e);
    expect(e2).toBeInstanceOf(MlflowUnavailableError);
    expect(e2.attempts).toBe(3);
    expect(proxy.requests('runs/get')).toHaveLength(3);
  });

  it('a retried runs/create whose first answer was lost makes no second run', async () => {
    const c = viaProxy();
    const exp = await c.getOrCreateExperiment(uniq('fcreate'));
    // The server creates the run, but the client sees a 503.
    proxy.inject({ match: 'runs/create', times: 1, status: 503, forwardThenFail: true });
    const run = await c.createRun({ experimentId: exp.experimentId, runName: 'once', clientRunId: 'client-id-1' });
    expect(run.info.runName).toBe('once');
    const all = await direct.searchAllRuns({ experimentIds: [exp.experimentId], runViewType: 'ALL' });
    expect(all).toHaveLength(1);
    expect(all[0].data.tags[CLIENT_RUN_ID_TAG]).toBe('client-id-1');
    // It was found by its client-side id; runs/create was not sent again.
    expect(proxy.requests('runs/create')).toHaveLength(1);
    expect(proxy.requests('runs/search').length).toBeGreaterThanOrEqual(1);
  });

  it('a Tracker run keeps every point through 503 and 429 bursts, with one run', async () => {
    const tracker = createTracker(proxy.url, { http: fast, env: {}, flushIntervalMs: 50, log: () => undefined, fallbackDir: tmpStore() });
    proxy.inject({ match: 'runs/create', times: 1, status: 503, forwardThenFail: true });
    const run = await tracker.startRun({ experiment: uniq('ftracker'), runName: 'bursty' });
    let n = 0;
    for (let burst = 0; burst < 6; burst++) {
      // Two failed answers for the next sends: 503, or 429 with Retry-After.
      proxy.inject({ match: 'runs/log-batch', times: 2, status: burst % 2 ? 503 : 429, headers: { 'Retry-After': '0' } });
      for (let i = 0; i < 500; i++, n++) run.logMetric('loss', 1 / (n + 1), n);
      await run.flush();
    }
    const s = await run.end();
    expect(s).toMatchObject({ store: 'server', degraded: false, status: 'FINISHED' });
    expect(proxy.requests('runs/log-batch').filter((r) => r.status !== 200)).toHaveLength(12);
    const hist = await direct.getMetricHistory(s.runId, 'loss');
    expect(hist).toHaveLength(n);
    const exp = await direct.getExperimentByName(run.experiment);
    expect(await direct.searchAllRuns({ experimentIds: [exp!.experimentId], runViewType: 'ALL' })).toHaveLength(1);
  });
});

describe('validation before any request', () => {
  it('rejects invalid keys and over-long values with an error naming the key, sending nothing', async () => {
    const tracker = createTracker(proxy.url, { http: fast, env: {}, log: () => undefined, fallbackDir: tmpStore() });
    const run = await tracker.startRun({ experiment: uniq('fvalid') });
    await run.flush();
    proxy.clear();
    const cases: [() => unknown, RegExp][] = [
      [() => run.logMetric('bad..key/../x', 1, 0), /metric key "bad\.\.key\/\.\.\/x"/],
      [() => run.logMetric('semi;colon', 1, 0), /metric key "semi;colon".*only contain/],
      [() => run.logMetric('k'.repeat(251), 1, 0), /at most 250/],
      [() => run.logMetric('ok', 1, 1.5), /metric "ok": step must be an integer/],
      [() => run.logParam('lr', 'x'.repeat(6001)), /param "lr": value has 6001 characters, MLflow allows at most 6000/],
      [() => run.setTag('note', 'y'.repeat(8001)), /tag "note": value has 8001 characters, MLflow allows at most 8000/],
      [() => run.logParams({ good: 1, 'bad key!': 2 }), /param key "bad key!"/],
    ];
    for (const [f, msg] of cases) {
      expect(f).toThrow(TrackingValidationError);
      expect(f).toThrow(msg);
    }
    const c = viaProxy();
    const e = await c.logBatch('whatever', { metrics: [{ key: 'a/../b', value: 1, timestamp: 1, step: 0 }] }).catch((x) => x);
    expect(e).toBeInstanceOf(TrackingValidationError);
    expect(e.key).toBe('a/../b');
    await run.flush();
    expect(proxy.requests('log-batch')).toHaveLength(0);
    expect((await run.end()).status).toBe('FINISHED');
    // The good param of the rejected logParams call was not kept either (all or nothing).
    expect((await direct.getRun(run.runId)).data.params.good).toBeUndefined();
  });
});

describe('credentials', () => {
  const SECRET = 'tok-9f8e7d6c5b4a-SECRET';

  it('sends MLFLOW_TRACKING_TOKEN as a bearer token and never prints or stores it', async () => {
    const env = { MLFLOW_TRACKING_TOKEN: SECRET };
    const logs: string[] = [];
    const tracker = createTracker(proxy.url, { http: fast, env, log: (m) => logs.push(m), fallbackDir: tmpStore() });
    const run = await tracker.startRun({ experiment: uniq('fauth'), params: { a: 1 } });
    run.logMetric('m', 1, 0);
    const s = await run.end();
    expect(proxy.seen.length).toBeGreaterThan(0);
    for (const r of proxy.seen) expect(r.headers.authorization).toBe(`Bearer ${SECRET}`);
    for (const r of proxy.seen) expect(r.body).not.toContain(SECRET);
    const stored = await direct.getRun(s.runId);
    expect(JSON.stringify(stored)).not.toContain(SECRET);

    // A failure: neither the error, its inspection, nor the warnings show the token.
    proxy.inject({ times: 1000, status: 503 });
    const c = viaProxy({ ...fast, maxRetries: 1 }, env);
    const err = await c.getRun(s.runId).catch((e) => e);
    expect(err).toBeInstanceOf(MlflowUnavailableError);
    const shown = [String(err), err.stack, inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err), inspect(c, { depth: 10 }), inspect(tracker, { depth: 10 }), ...logs].join('\n');
    expect(shown).not.toContain(SECRET);
  });

  it('sends MLFLOW_TRACKING_USERNAME/PASSWORD as basic auth', async () => {
    const c = viaProxy(fast, { MLFLOW_TRACKING_USERNAME: 'ada', MLFLOW_TRACKING_PASSWORD: 'pw-SECRET' });
    await c.getExperimentByName('Default');
    expect(proxy.seen[0].headers.authorization).toBe(`Basic ${Buffer.from('ada:pw-SECRET').toString('base64')}`);
    expect(inspect(c, { depth: 10 })).not.toMatch(/pw-SECRET|YWRhOnB3LVNFQ1JFVA/);
  });
});

describe('TLS', () => {
  it('verifies certificates unless MLFLOW_TRACKING_INSECURE_TLS=true', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const tls = await new FaultProxy(URI, { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') }).start();
    try {
      expect(tls.url).toMatch(/^https:/);
      const strict = new MlflowClient({ trackingUri: tls.url, env: {}, http: fast });
      const err = await strict.getExperimentByName('Default').catch((e) => e);
      expect(err).toBeInstanceOf(MlflowUnavailableError);
      expect(err.message).toMatch(/TLS certificate is not trusted .*MLFLOW_TRACKING_INSECURE_TLS=true/);
      expect(err.attempts).toBe(1); // not retried
      expect(tls.seen).toHaveLength(0);
      const insecure = new MlflowClient({ trackingUri: tls.url, env: { MLFLOW_TRACKING_INSECURE_TLS: 'true' }, http: fast });
      expect((await insecure.getExperimentByName('Default'))!.experimentId).toBe('0');
      expect(tls.seen).toHaveLength(1);
    } finally {
      await tls.stop();
    }
  });
});
