// Rules and formats that need no server: MLflow's key rules, log-batch limits,
// the retry policy, URIs and credentials, the file-store format.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import {
  LIMITS,
  LocalStore,
  TrackingValidationError,
  backoffSeconds,
  chunkBatch,
  compileFilter,
  createTracker,
  credentialsFromEnv,
  httpSettingsFromEnv,
  parseJsonLenient,
  parseMetricLines,
  parseRetryAfter,
  pyNormpath,
  resolveTrackingUri,
  validateKey,
  type Metric,
} from '../src';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-trk-'));

describe('MLflow key rules', () => {
  it.each(['loss', 'train/loss', 'a.b-c_d e:f', 'époque', '学习率', 'x'.repeat(250)])('accepts %s', (k) => {
    expect(() => validateKey('metric', k)).not.toThrow();
  });

  it.each([
    ['a..b/../c', /resolve/],
    ['../x', /resolve/],
    ['/abs', /resolve/],
    ['a//b', /resolve/],
    ['a/', /resolve/],
    ['./a', /resolve/],
    ['.', /resolve/],
    ['', /empty/],
    ['bad!key', /only contain/],
    ['tab\tkey', /only contain/],
    ['x'.repeat(251), /at most 250/],
  ])('rejects %j naming the key', (k, why) => {
    let err: unknown;
    try {
      validateKey('param', k);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrackingValidationError);
    expect((err as Error).message).toMatch(why);
    expect((err as TrackingValidationError).key).toBe(k);
    if (k) expect((err as Error).message).toContain(JSON.stringify(k.length > 80 ? k.slice(0, 77) : k).slice(0, 40));
  });

  it("normalises paths exactly as Python's posixpath.normpath", () => {
    expect(pyNormpath('a/b/../c')).toBe('a/c');
    expect(pyNormpath('//a')).toBe('//a');
    expect(pyNormpath('///a')).toBe('/a');
    expect(pyNormpath('../../a')).toBe('../../a');
    expect(pyNormpath('')).toBe('.');
    expect(pyNormpath('a/./b/')).toBe('a/b');
  });
});

describe('log-batch chunking', () => {
  const metrics = (n: number, key = 'm'): Metric[] => Array.from({ length: n }, (_, i) => ({ key, value: i, timestamp: 1, step: i }));

  it('keeps every request within 1000 metrics, 100 params, 100 tags, 1000 items and 1 MB', () => {
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(6000) }));
    const tags = Array.from({ length: 130 }, (_, i) => ({ key: `t${i}`, value: 't'.repeat(100) }));
    const chunks = chunkBatch('r', metrics(3500), params, tags);
    let m = 0;
    let p = 0;
    let t = 0;
    for (const c of chunks) {
      expect(c.metrics.length).toBeLessThanOrEqual(LIMITS.metricsPerBatch);
      expect(c.params.length).toBeLessThanOrEqual(LIMITS.paramsTagsPerBatch);
      expect(c.tags.length).toBeLessThanOrEqual(LIMITS.paramsTagsPerBatch);
      expect(c.metrics.length + c.params.length + c.tags.length).toBeLessThanOrEqual(LIMITS.entitiesPerBatch);
      expect(Buffer.byteLength(c.body)).toBeLessThanOrEqual(LIMITS.batchRequestBytes);
      const body = JSON.parse(c.body);
      expect(body.metrics).toHaveLength(c.metrics.length);
      m += c.metrics.length;
      p += c.params.length;
      t += c.tags.length;
    }
    expect([m, p, t]).toEqual([3500, 250, 130]);
    // 250 params of 6 kB cannot share a 1 MB request: the byte limit split them.
    expect(chunks.filter((c) => c.params.length > 0).length).toBeGreaterThanOrEqual(3);
  });

  it('splits on bytes when items are large', () => {
    const big = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: 'é'.repeat(7000) })); // 14 kB each in UTF-8
    const chunks = chunkBatch('r', [], [], big);
    for (const c of chunks) expect(Buffer.byteLength(c.body)).toBeLessThanOrEqual(1_000_000);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('sends NaN and ±Infinity as MLflow spells them, never null', () => {
    const [c] = chunkBatch('r', [
      { key: 'a', value: NaN, timestamp: 1, step: 0 },
      { key: 'a', value: Infinity, timestamp: 1, step: 1 },
      { key: 'a', value: -Infinity, timestamp: 1, step: 2 },
      { key: 'a', value: 0.1, timestamp: 1, step: 3 },
    ]);
    expect(c.body).not.toContain('null');
    expect(JSON.parse(c.body).metrics.map((m: { value: unknown }) => m.value)).toEqual(['NaN', 'Infinity', '-Infinity', 0.1]);
  });

  it('reads answers with bare NaN tokens', () => {
    expect(parseJsonLenient('{"v": NaN, "w": [Infinity, -Infinity]}')).toEqual({ v: 'NaN', w: ['Infinity', '-Infinity'] });
  });
});

describe('retry policy (MLflow defaults)', () => {
  it("reads MLflow's environment variables with MLflow's defaults", () => {
    const d = httpSettingsFromEnv({});
    expect(d).toMatchObject({ maxRetries: 7, backoffFactor: 2, backoffJitter: 1, timeoutMs: 120000, insecureTls: false });
    const s = httpSettingsFromEnv({
      MLFLOW_HTTP_REQUEST_MAX_RETRIES: '3',
      MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '1',
      MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0.5',
      MLFLOW_HTTP_REQUEST_TIMEOUT: '5',
      MLFLOW_TRACKING_INSECURE_TLS: 'true',
    });
    expect(s).toMatchObject({ maxRetries: 3, backoffFactor: 1, backoffJitter: 0.5, timeoutMs: 5000, insecureTls: true });
    expect(() => httpSettingsFromEnv({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '11' })).toThrow(/at most 10/);
    expect(() => httpSettingsFromEnv({ MLFLOW_TRACKING_INSECURE_TLS: 'maybe' })).toThrow(/true or false/);
  });

  it("backs off as urllib3 does for MLflow: none, then factor·2^(n-1) plus jitter, capped at 120 s", () => {
    const s = { backoffFactor: 2, backoffJitter: 1 };
    expect(backoffSeconds(1, s, () => 0.5)).toBe(0);
    expect(backoffSeconds(2, s, () => 0.5)).toBe(4.5);
    expect(backoffSeconds(3, s, () => 0)).toBe(8);
    expect(backoffSeconds(7, s, () => 0)).toBe(120);
    const total = [1, 2, 3, 4, 5, 6, 7].reduce((a, n) => a + backoffSeconds(n, s, () => 0), 0);
    expect(total).toBe(244); // about four minutes, MLflow's stated intent for 7 retries
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('tracking URIs and credentials', () => {
  it('maps MLFLOW_TRACKING_URI to a store', () => {
    expect(resolveTrackingUri(undefined, '/w')).toEqual({ kind: 'local', root: '/w/mlruns' });
    expect(resolveTrackingUri('file:///data/mlruns')).toEqual({ kind: 'local', root: '/data/mlruns' });
    expect(resolveTrackingUri('file:./runs', '/w')).toEqual({ kind: 'local', root: '/w/runs' });
    expect(resolveTrackingUri('some/dir', '/w')).toEqual({ kind: 'local', root: '/w/some/dir' });
    expect(resolveTrackingUri('https://u:p@mlflow.example:8443/')).toEqual({ kind: 'server', url: 'https://mlflow.example:8443' });
    expect(() => resolveTrackingUri('databricks://x')).toThrow(/unsupported/);
  });

  it('never shows a token or password when printed or serialised', () => {
    const bearer = httpSettingsFromEnv({ MLFLOW_TRACKING_TOKEN: 'tok-SECRET-1' });
    const basic = httpSettingsFromEnv({ MLFLOW_TRACKING_USERNAME: 'alice', MLFLOW_TRACKING_PASSWORD: 'pw-SECRET-2' });
    for (const s of [bearer, basic]) {
      const shown = [JSON.stringify(s), inspect(s, { depth: 5, showHidden: true }), String(s.credentials), `${s.credentials}`].join('\n');
      expect(shown).not.toMatch(/SECRET|YWxpY2U6cHct/);
    }
    expect(bearer.credentials!.authorizationHeader()).toBe('Bearer tok-SECRET-1');
    expect(basic.credentials!.authorizationHeader()).toBe(`Basic ${Buffer.from('alice:pw-SECRET-2').toString('base64')}`);
    // The token wins over basic credentials, as in MLflow.
    expect(credentialsFromEnv({ MLFLOW_TRACKING_TOKEN: 't', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' })!.kind).toBe('bearer');
  });
});

describe('local store format', () => {
  it('writes MLflow file-store files: meta.yaml, metric lines "timestamp value step", params and tags', async () => {
    const root = path.join(tmp(), 'mlruns');
    const tracker = createTracker(root);
    const run = await tracker.startRun({ experiment: 'fmt', runName: 'yes', params: { lr: 0.001, on: 'off' } });
    run.logMetric('loss', 0.5, 1, 1700000000001);
    run.logMetric('loss', NaN, 2, 1700000000002);
    run.logMetric('loss', -Infinity, 3, 1700000000003);
    run.logMetric('x/y', 7, 0, 1700000000004);
    const s = await run.end('FINISHED');
    const exp = new LocalStore(root).getExperimentByName('fmt')!;
    expect(exp.experimentId).toMatch(/^[1-9]\d{17}$/);
    const runDir = path.join(root, exp.experimentId, s.runId);
    expect(fs.readFileSync(path.join(runDir, 'metrics/loss'), 'utf8')).toBe('1700000000001 0.5 1\n1700000000002 nan 2\n1700000000003 -inf 3\n');
    expect(fs.readFileSync(path.join(runDir, 'metrics/x/y'), 'utf8')).toBe('1700000000004 7 0\n');
    expect(fs.readFileSync(path.join(runDir, 'params/lr'), 'utf8')).toBe('0.001');
    expect(fs.readFileSync(path.join(runDir, 'tags/mlflow.runName'), 'utf8')).toBe('yes');
    const meta = fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8');
    expect(meta).toMatch(/^status: 3$/m);
    expect(meta).toMatch(/^run_name: "yes"$/m); // quoted: YAML 1.1 (PyYAML) would read a bare yes as true
    expect(meta).toMatch(/^experiment_id: "\d+"$/m);
    expect(fs.readFileSync(path.join(root, exp.experimentId, 'meta.yaml'), 'utf8')).toMatch(/^name: fmt$/m);
    expect(fs.existsSync(path.join(root, '0/meta.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(root, '.trash'))).toBe(true);
    // No temporary file is left where MLflow would list it.
    for (const d of ['params', 'tags', 'metrics', 'artifacts']) expect(fs.readdirSync(path.join(runDir, d)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('cuts a torn last line (a crash mid-append) and never reads it', async () => {
    const root = path.join(tmp(), 'mlruns');
    const store = new LocalStore(root);
    const exp = store.getOrCreateExperiment('torn');
    const run = store.createRun({ experimentId: exp.experimentId });
    const file = path.join(store.runDir(run.info.runId), 'metrics', 'm');
    fs.writeFileSync(file, '1 0.5 0\n2 0.7'); // a writer died here
    expect(parseMetricLines('m', fs.readFileSync(file, 'utf8'))).toEqual([{ key: 'm', timestamp: 1, value: 0.5, step: 0 }]);
    store.logBatch(run.info.runId, [{ key: 'm', value: 0.9, timestamp: 3, step: 2 }]);
    expect(fs.readFileSync(file, 'utf8')).toBe('1 0.5 0\n3 0.9 2\n');
  });

  it('rejects a changed param naming the key, as MLflow does', async () => {
    const tracker = createTracker(path.join(tmp(), 'mlruns'));
    const run = await tracker.startRun({ experiment: 'p', params: { lr: 1 } });
    expect(() => run.logParam('lr', 2)).toThrow(/param "lr" was already logged/);
    run.logParam('lr', 1); // the same value again is fine
    await run.end();
  });

  it('restores a deleted experiment of the same name instead of making a second one', () => {
    const store = new LocalStore(path.join(tmp(), 'mlruns'));
    const a = store.getOrCreateExperiment('again');
    store.deleteExperiment(a.experimentId);
    expect(store.getExperimentByName('again')!.lifecycleStage).toBe('deleted');
    const b = store.getOrCreateExperiment('again');
    expect(b.experimentId).toBe(a.experimentId);
    expect(b.lifecycleStage).toBe('active');
  });

  it("evaluates MLflow filter strings on local runs", async () => {
    const tracker = createTracker(path.join(tmp(), 'mlruns'));
    for (const [i, lr] of [0.1, 0.01].entries()) {
      const r = await tracker.startRun({ experiment: 'f', runName: `sr-${i}`, params: { lr }, tags: { 'kdlab.role': i ? 'student' : 'teacher' } });
      r.logMetric('psnr', 30 + i, 0);
      await r.end(i ? 'FINISHED' : 'FAILED');
    }
    const names = async (filter: string) => (await tracker.searchRuns({ experiment: 'f', filter })).map((r) => r.runName).sort();
    expect(await names("params.lr = '0.1'")).toEqual(['sr-0']);
    expect(await names('metrics.psnr > 30.5')).toEqual(['sr-1']);
    expect(await names("tags.`kdlab.role` != 'teacher' and attributes.status = 'FINISHED'")).toEqual(['sr-1']);
    expect(await names("attributes.run_name LIKE 'sr-%'")).toEqual(['sr-0', 'sr-1']);
    expect(() => compileFilter('params.lr ~ 1')).toThrow(TrackingValidationError);
  });
});
