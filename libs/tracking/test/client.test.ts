// The REST client against the real MLflow server of the global setup.
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLIENT_RUN_ID_TAG, MlflowApiError, MlflowClient, type Metric } from '../src';

const URI = process.env.KDLAB_TEST_MLFLOW_URI!;
const client = new MlflowClient({ trackingUri: URI, env: {} });
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

describe('MlflowClient on a real MLflow server', () => {
  it('gets or creates experiments: existing, new, deleted (restored), and under a race', async () => {
    const name = uniq('exp');
    const a = await client.getOrCreateExperiment(name);
    const b = await client.getOrCreateExperiment(name);
    expect(b.experimentId).toBe(a.experimentId);
    expect(a.artifactLocation).toMatch(/^mlflow-artifacts:/);

    await client.deleteExperiment(a.experimentId);
    expect((await client.getExperimentByName(name))!.lifecycleStage).toBe('deleted');
    const c = await client.getOrCreateExperiment(name);
    expect(c.experimentId).toBe(a.experimentId);
    expect((await client.getExperiment(a.experimentId)).lifecycleStage).toBe('active');

    // Six clients race to create one new name: the losers' RESOURCE_ALREADY_EXISTS (HTTP 400) sends them to the look-up.
    const raced = uniq('race');
    const ids = await Promise.all(Array.from({ length: 6 }, () => new MlflowClient({ trackingUri: URI, env: {} }).getOrCreateExperiment(raced)));
    expect(new Set(ids.map((e) => e.experimentId)).size).toBe(1);
    expect(await client.getExperimentByName(uniq('missing'))).toBeUndefined();
  });

  it('creates, gets, updates, deletes and restores runs; sets and deletes tags', async () => {
    const exp = await client.getOrCreateExperiment(uniq('runs'));
    const tags: Record<string, string> = {};
    for (let i = 0; i < 130; i++) tags[`t${i}`] = `v${i}`; // more than runs/create takes at once
    const run = await client.createRun({ experimentId: exp.experimentId, runName: 'first', startTime: 1700000000000, tags });
    expect(run.info).toMatchObject({ runName: 'first', startTime: 1700000000000, status: 'RUNNING', experimentId: exp.experimentId });
    expect(run.data.tags.t129).toBe('v129');
    expect(run.data.tags[CLIENT_RUN_ID_TAG]).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.data.tags['mlflow.runName']).toBe('first');

    await client.setTag(run.info.runId, 'stage', 'warmup');
    await client.deleteTag(run.info.runId, 't0');
    await client.updateRun(run.info.runId, { status: 'FINISHED', endTime: 1700000005000 });
    const got = await client.getRun(run.info.runId);
    expect(got.info).toMatchObject({ status: 'FINISHED', endTime: 1700000005000 });
    expect(got.data.tags.stage).toBe('warmup');
    expect(got.data.tags.t0).toBeUndefined();

    await client.deleteRun(run.info.runId);
    expect((await client.getRun(run.info.runId)).info.lifecycleStage).toBe('deleted');
    await client.restoreRun(run.info.runId);
    expect((await client.getRun(run.info.runId)).info.lifecycleStage).toBe('active');

    const err = await client.getRun('0'.repeat(32)).catch((e) => e);
    expect(err).toBeInstanceOf(MlflowApiError);
    expect(err.errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('log-batch in chunks within the limits; metric history pages back every point', async () => {
    const exp = await client.getOrCreateExperiment(uniq('batch'));
    const run = await client.createRun({ experimentId: exp.experimentId });
    const t0 = 1700000000000;
    const metrics: Metric[] = [];
    for (let i = 0; i < 2600; i++) metrics.push({ key: 'loss', value: 1 / (i + 1), timestamp: t0 + i, step: i });
    metrics.push({ key: 'odd', value: NaN, timestamp: t0, step: 0 }, { key: 'odd', value: Infinity, timestamp: t0, step: 1 }, { key: 'odd', value: -Infinity, timestamp: t0, step: 2 });
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: i === 0 ? 'x'.repeat(6000) : String(i) }));
    const tags = Array.from({ length: 120 }, (_, i) => ({ key: `tag${i}`, value: i === 0 ? 'y'.repeat(8000) : `${i}` }));
    const requests = await client.logBatch(run.info.runId, { metrics, params, tags });
    expect(requests).toBeGreaterThanOrEqual(3);

    const page = await client.getMetricHistoryPage(run.info.runId, 'loss', { maxResults: 1000 });
    expect(page.metrics).toHaveLength(1000);
    expect(page.nextPageToken).toBeTruthy();
    const all = await client.getMetricHistory(run.info.runId, 'loss', 700);
    expect(all).toHaveLength(2600);
    const sorted = all.sort((a, b) => a.step - b.step);
    expect(sorted[1234]).toEqual({ key: 'loss', value: 1 / 1235, timestamp: t0 + 1234, step: 1234 });
    const odd = (await client.getMetricHistory(run.info.runId, 'odd')).sort((a, b) => a.step - b.step).map((m) => m.value);
    // A SQL backend stores ±Infinity as ±max double; NaN comes back as NaN.
    expect(odd[0]).toBeNaN();
    expect(Math.abs(odd[1])).toBeGreaterThanOrEqual(Number.MAX_VALUE);
    expect(odd[2]).toBeLessThanOrEqual(-Number.MAX_VALUE);

    const got = await client.getRun(run.info.runId);
    expect(Object.keys(got.data.params)).toHaveLength(150);
    expect(got.data.params.p0).toHaveLength(6000);
    expect(got.data.tags.tag0).toHaveLength(8000);
  });

  it('searches runs with a filter, order_by and next_page_token paging', async () => {
    const exp = await client.getOrCreateExperiment(uniq('search'));
    for (let i = 0; i < 5; i++) {
      const r = await client.createRun({ experimentId: exp.experimentId, runName: `r${i}`, startTime: 1700000000000 + i * 1000 });
      await client.logBatch(r.info.runId, { params: [{ key: 'group', value: i % 2 ? 'odd' : 'even' }], metrics: [{ key: 'acc', value: i / 10, timestamp: 1, step: 0 }] });
    }
    const p1 = await client.searchRuns({ experimentIds: [exp.experimentId], orderBy: ['metrics.acc DESC'], maxResults: 2 });
    expect(p1.runs.map((r) => r.info.runName)).toEqual(['r4', 'r3']);
    const p2 = await client.searchRuns({ experimentIds: [exp.experimentId], orderBy: ['metrics.acc DESC'], maxResults: 2, pageToken: p1.nextPageToken });
    expect(p2.runs.map((r) => r.info.runName)).toEqual(['r2', 'r1']);
    const all = await client.searchAllRuns({ experimentIds: [exp.experimentId], orderBy: ['attributes.start_time ASC'], maxResults: 2 });
    expect(all.map((r) => r.info.runName)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    const even = await client.searchAllRuns({ experimentIds: [exp.experimentId], filter: "params.group = 'even' and metrics.acc > 0.1" });
    expect(even.map((r) => r.info.runName).sort()).toEqual(['r2', 'r4']);
  });

  it("uploads, lists and downloads artifacts through the server's proxied artifact API", async () => {
    const exp = await client.getOrCreateExperiment(uniq('art'));
    const run = await client.createRun({ experimentId: exp.experimentId });
    const uri = run.info.artifactUri;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-art-'));
    const bin = randomBytes(300_000);
    fs.writeFileSync(path.join(dir, 'weights.bin'), bin);
    fs.mkdirSync(path.join(dir, 'tree/deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tree/a b.txt'), 'spaced name');
    fs.writeFileSync(path.join(dir, 'tree/deep/c.json'), '{"c":1}');
    expect(await client.uploadArtifact(uri, path.join(dir, 'weights.bin'), 'model')).toBe('model/weights.bin');
    expect((await client.uploadArtifactDir(uri, path.join(dir, 'tree'), 'tree')).sort()).toEqual(['tree/a b.txt', 'tree/deep/c.json']);

    expect((await client.listArtifacts(uri)).map((f) => [f.path, f.isDir])).toEqual([
      ['model', true],
      ['tree', true],
    ]);
    const files = await client.listArtifactsRecursive(uri);
    expect(files.map((f) => [f.path, f.fileSize])).toEqual([
      ['model/weights.bin', 300_000],
      ['tree/a b.txt', 11],
      ['tree/deep/c.json', 7],
    ]);
    expect((await client.downloadArtifact(uri, 'model/weights.bin')).equals(bin)).toBe(true);
    await client.downloadArtifactToFile(uri, 'tree/a b.txt', path.join(dir, 'out/x.txt'));
    expect(fs.readFileSync(path.join(dir, 'out/x.txt'), 'utf8')).toBe('spaced name');
    expect(await client.downloadArtifact(uri, 'nope.txt').catch((e) => e.status)).toBe(404);
  });
});
