// Micro runs of the tracking methods through the runner into a real MLflow server (from .venv,
// on 127.0.0.1): teacher trained and cached, a distilled student, the cohort with knowledge
// sharing, and a SiamFC run; then the reproduction's figures from those runs.
import * as fs from 'fs';
import * as path from 'path';
import { executeRun, resolveRun, type RunResult } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import { figures } from './figures';
import { METRICS } from './naming';
import { readBoxes } from './otb';
import { trackingQuick } from './reproductions';
import './index';
import { microFiles, REPO, tempDir } from './testing/micro';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(REPO, 'tools/testing/mlflow-server.js')) as typeof import('../../../tools/testing/mlflow-server');

describe('siamese-tracking runs into a real MLflow server', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>>;
  const dir = tempDir('track');
  const results: RunResult[] = [];
  beforeAll(async () => {
    server = await startMlflowServer();
  }, 120000);
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const run = (method: string, extra = '') => {
    const resolved = resolveRun(microFiles(dir, method, 'otb_crossing', extra), { overrides: { name: `micro-${method}` } });
    return executeRun(resolved, { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: server.url, log: () => undefined });
  };

  it('TS distillation: teacher trained once, student tracked, OTB metrics, predictions and source tags logged', async () => {
    const teacher = await run('teacher');
    const ts = await run('ts');
    results.push(teacher, ts);
    const tracker = createTracker(server.url);
    const rec = (await tracker.searchRuns({ experiment: 'tracking-micro' })).find((r) => r.runId === ts.runId)!;
    expect(rec.status).toBe('FINISHED');
    expect(rec.tags['kdlab.source_level']).toBe('abstract-only');
    expect(rec.tags['kdlab.test_sequence']).toBe('otb_crossing');
    expect(rec.tags['kdlab.metric_convention']).toMatch(/got10k/);
    for (const key of [METRICS.successAuc, METRICS.precision20, METRICS.fps, METRICS.params, METRICS.mb]) expect(Number.isFinite(rec.metrics[key])).toBe(true);
    expect(rec.metrics[METRICS.successAuc]).toBeGreaterThanOrEqual(0);
    expect(rec.metrics[METRICS.successAuc]).toBeLessThanOrEqual(1);
    expect(rec.metrics[METRICS.mb]).toBeCloseTo((rec.metrics[METRICS.params] * 4) / 2 ** 20, 9);
    // The student is smaller than the teacher it learned from.
    expect(rec.metrics[METRICS.params]).toBeLessThan(teacher.metrics[METRICS.params]);
    expect((await tracker.getMetricHistory(ts.runId, 'train/ts-reg')).length).toBeGreaterThan(0);
    const teachers = await tracker.searchRuns({ experiment: 'tracking-micro-teachers' });
    expect(teachers.map((r) => r.status)).toEqual(['FINISHED']);
    const pred = await tracker.downloadArtifact(ts.runId, 'eval/otb_crossing.txt', path.join(dir, 'dl'));
    expect(readBoxes(pred)).toHaveLength(8);
  }, 300000);

  it('knowledge sharing: the cohort trains S1 and S2 together; S1 is the row, S2 is logged as member 1', async () => {
    const r = await run('tsskd');
    results.push(r);
    expect(r.metrics[METRICS.member(1, 'success_auc')]).toBeGreaterThanOrEqual(0);
    expect(r.metrics[METRICS.member(1, 'params')]).toBeLessThan(r.metrics[METRICS.params]);
    // The runner's model/params counts the whole cohort; the table's params column counts S1 alone.
    expect(r.metrics['model/params']).toBe(r.metrics[METRICS.params] + r.metrics[METRICS.member(1, 'params')]);
    const tracker = createTracker(server.url);
    expect((await tracker.getMetricHistory(r.runId, 'train/share')).length).toBeGreaterThan(0);
  }, 300000);

  it('the first-box baseline scores exactly the frozen first box', async () => {
    const r = await run('first-box');
    const pred = readBoxes(path.join(r.runDir, 'eval', 'otb_crossing.txt'));
    expect(new Set(pred.map((b) => b.join(',')))).toEqual(new Set([pred[0].join(',')]));
    expect(r.metrics[METRICS.successAuc]).toBeGreaterThanOrEqual(0);
    expect(r.metrics[METRICS.fps]).toBeUndefined();
  }, 120000);

  it('SiamFC trains and tracks through the same task', async () => {
    const r = await run('student', `data: { head: siamfc }
kd:
  terms:
    - { name: task, loss: { kind: siamese-task, head: siamfc, anchors: 1 }, weight: 1, student: output, teacher: target }
`);
    expect(Number.isFinite(r.metrics[METRICS.successAuc])).toBe(true);
  }, 300000);

  it('figures: success and precision plots with one line per method, and a frame with boxes per sequence', async () => {
    const logs: string[] = [];
    const out = await figures({ outDir: path.join(dir, 'report'), runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), results, log: (l) => logs.push(l) });
    const specs = out.filter((f): f is typeof f & { vegaLite: { data: { values: { method: string }[] } } } => 'vegaLite' in f);
    expect(specs.map((s) => s.title)).toEqual(['Success plot (OPE)', 'Precision plot (OPE)']);
    expect(new Set(specs[0].vegaLite.data.values.map((v) => v.method.replace(/ \[.*$/, ''))).size).toBe(3);
    expect(specs[0].vegaLite.data.values).toHaveLength(3 * 21);
    const pngs = out.filter((f): f is typeof f & { file: string } => 'file' in f);
    expect(pngs.map((p) => path.basename(p.file))).toEqual(['otb_crossing.png']);
    expect(fs.readFileSync(pngs[0].file).subarray(1, 4).toString()).toBe('PNG');
  }, 120000);
});

describe('tracking-quick', () => {
  it('every row resolves: 8 rows x 3 leave-one-sequence-out folds, each fold testing its own sequence', () => {
    expect(trackingQuick.rows).toHaveLength(24);
    expect(new Set(trackingQuick.rows.map((r) => r.method)).size).toBe(8);
    for (const row of trackingQuick.rows) {
      const resolved = resolveRun(row.files.map((f) => path.join(REPO, f)), { overrides: { seed: 0, name: `${row.name}-s0` } });
      expect(row.name.startsWith(`${(resolved.config.data as { test: string }).test}-`)).toBe(true);
      expect(resolved.config.source?.level).toMatch(/official-code|paper|abstract-only/);
    }
  });
});
