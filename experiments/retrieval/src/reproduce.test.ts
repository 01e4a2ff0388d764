// The retrieval reproduction end to end on a micro profile (real Flickr8k images and MiniLM
// features, tiny schedules) into a real MLflow server: the teacher is trained and cached first,
// every row runs (dual and small cross-encoder students alone, + KD, + static CD, + DCD aligned,
// + DCD as released; the teacher), cross-encoders re-rank the dual-encoder first stage, the
// students start from the teacher's weights, and the table and the example figure are written.
import * as fs from 'fs';
import * as path from 'path';
import Papa from 'papaparse';
import { readWeightsDir, runReproduction } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import './index';
import { retrievalReproduction } from './reproductions';
import { CONFIGS, REPO, microProfile, tempDir } from './testing/micro';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(REPO, 'tools/testing/mlflow-server.js')) as typeof import('../../../tools/testing/mlflow-server');

describe('retrieval reproduction (micro profile) into a real MLflow server', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>>;
  beforeAll(async () => {
    server = await startMlflowServer();
  }, 120000);
  afterAll(async () => server?.stop());

  it('runs every row, re-ranks with the dual first stage and writes the table and figures', async () => {
    const dir = tempDir('retrieval-repro');
    const file = microProfile(dir);
    const r = retrievalReproduction({
      name: 'retrieval-micro',
      profile: { name: 'micro', file, dual: path.join(CONFIGS, 'students/dual.yaml'), cross: path.join(CONFIGS, 'students/cross.yaml') },
      seeds: [0],
      description: 'micro',
    });
    const out = path.join(dir, 'out');
    const runsDir = path.join(dir, 'runs');
    const done = await runReproduction(r, { runsDir, cacheDir: path.join(dir, 'cache'), outDir: out, trackingUri: server.url, log: () => undefined });

    const rows = Papa.parse<Record<string, string>>(fs.readFileSync(done.csvFile, 'utf8'), { header: true, skipEmptyLines: true }).data;
    const variants = ['', ' + KD', ' + static CD', ' + DCD (aligned)', ' + DCD (as released)'];
    expect(rows.map((row) => row.method)).toEqual([...variants.map((v) => `dual encoder${v}`), 'teacher (cross-encoder)', ...variants.map((v) => `small cross-encoder${v}`)]);
    for (const row of rows) {
      for (const k of ['i2t R@1', 'i2t R@10', 't2i R@5']) {
        expect(Number(row[`${k} mean`])).toBeGreaterThanOrEqual(0);
        expect(Number(row[`${k} mean`])).toBeLessThanOrEqual(100);
      }
      const six = ['i2t R@1', 'i2t R@5', 'i2t R@10', 't2i R@1', 't2i R@5', 't2i R@10'].reduce((s, k) => s + Number(row[`${k} mean`]), 0);
      expect(Number(row['RSUM mean'])).toBeCloseTo(six, 6);
      expect(Number(row['queries/s mean'])).toBeGreaterThan(0);
    }
    for (const row of rows) expect(Number(row['i2t R@10 mean'])).toBeGreaterThanOrEqual(Number(row['i2t R@1 mean']));

    // The small cross-encoder starts from teacher blocks [0, 3]: its block 1 equals the teacher's block 3 before training,
    // so the recorded init points at the cached teacher, and the trained student differs from it.
    const cross = done.results.find((x) => x.method === 'small cross-encoder')!;
    const resolved = fs.readFileSync(path.join(cross.runDir, 'config.resolved.yaml'), 'utf8');
    expect(resolved).toMatch(/fusionLayers:\s*\n\s*- 0\s*\n\s*- 3/);
    expect(resolved).toContain(path.join(dir, 'cache', 'teachers'));
    expect(resolved).toContain(path.join(runsDir, 'retrieval-micro', 'micro-dual-student-s0', 'final'));
    const { groups } = readWeightsDir(path.join(cross.runDir, 'final'));
    const names = groups.model.map((t) => t.name.replace(/^.*?retrieval(_\d+)?\//, ''));
    expect(names.filter((n) => n.startsWith('fusion/'))).toHaveLength(2 * 13 * 2);

    // Frozen towers stay the teacher's.
    const teacherDir = /weights: (\S+)/.exec(resolved)![1];
    const teacher = readWeightsDir(teacherDir).groups.model;
    const conv = (g: typeof teacher) => g.find((t) => t.name.endsWith('image/conv0/kernel'))!.data;
    expect(Array.from(conv(groups.model))).toEqual(Array.from(conv(teacher)));

    // Figures: the query image PNG and the top-5 table with one panel per row.
    expect(done.figures).toHaveLength(2);
    const png = (done.figures[0] as { file: string }).file;
    expect(fs.statSync(png).size).toBeGreaterThan(100);
    const values = ((done.figures[1] as { vegaLite: { data: { values: { model: string }[] } } }).vegaLite.data.values);
    expect(new Set(values.map((v) => v.model)).size).toBe(rows.length);
    expect(values).toHaveLength(rows.length * 5);

    // Tracking: every row is a finished run carrying the metric convention and the source level.
    const runs = await createTracker(server.url).searchRuns({ experiment: 'retrieval-micro' });
    expect(runs).toHaveLength(rows.length);
    for (const run of runs) {
      expect(run.status).toBe('FINISHED');
      expect(run.tags['kdlab.metric_convention']).toContain('Recall@1/5/10');
      expect(run.tags['kdlab.source_level']).toBe('official-code');
    }
    // 12 runs (teacher training + 11 rows): ~1 min on 2 idle cores, several under load.
  }, 600000);
});
