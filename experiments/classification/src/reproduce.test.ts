// The cls reproduction end to end on a micro profile (real CIFAR-10 images,
// tiny models, a few steps) into a real MLflow server: every row of the table
// runs (teacher, student, KD, FitNet, AT, SP, MIMKD, MCL x2/x4, clustered
// hints), the clustered hints are chosen on the trained teacher and recorded,
// and the table holds every row.
import * as fs from 'fs';
import * as path from 'path';
import Papa from 'papaparse';
import { parse } from 'yaml';
import { tf, type Tensor } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import { loadModelWeights, runReproduction } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import './index';
import { clsReproduction } from './reproductions';
import { normaliseInto } from './data/normalise';
import { classificationTask, type ClassificationTaskInstance } from './task';
import { REPO, microProfile, tempDir } from './testing/micro';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(REPO, 'tools/testing/mlflow-server.js')) as typeof import('../../../tools/testing/mlflow-server');

describe('cls reproduction (micro profile) into a real MLflow server', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>>;
  beforeAll(async () => {
    server = await startMlflowServer();
  }, 120000);
  afterAll(async () => server?.stop());

  it('runs every row, records the clustered hints and writes the table', async () => {
    const dir = tempDir('cls-repro');
    const { file, peersFile } = microProfile(dir);
    const r = clsReproduction({ name: 'cls-micro', profile: { name: 'micro', file, peersFile }, seeds: [0], description: 'micro' });
    const out = path.join(dir, 'out');
    const done = await runReproduction(r, { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), outDir: out, trackingUri: server.url, log: () => undefined });
    expect(path.dirname(done.csvFile)).toBe(out);

    const rows = Papa.parse<Record<string, string>>(fs.readFileSync(done.csvFile, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows.map((row) => row.method)).toEqual([
      'teacher', 'student', 'student + KD', 'student + FitNet', 'student + FitNet (3 stage hints)', 'student + AT', 'student + SP', 'student + MIMKD', 'MCL x2', 'MCL x4',
      'student + FitNet (clustered hints)', 'student + AT (clustered hints)',
    ]);
    // Every cell is a count out of the 30 test images (MCL: the mean of its peers' counts), and the
    // table holds exactly what the tracking store logged for the row's run.
    const tracker = createTracker(server.url);
    const runs = await tracker.searchRuns({ experiment: 'cls-micro' });
    for (const row of rows) {
      const logged = runs.find((run) => run.tags['kdlab.method'] === row.method)!.metrics['eval/cifar10/top1'];
      const peers = row.method === 'MCL x2' ? 2 : row.method === 'MCL x4' ? 4 : 1;
      const correct = (logged * 30 * peers) / 100;
      expect([row.method, Math.abs(correct - Math.round(correct)) < 1e-6]).toEqual([row.method, true]);
      expect([row.method, Math.abs(Number(row['top-1 (%) mean']) - logged) <= 0.005 + 1e-9]).toEqual([row.method, true]);
    }
    // Recomputed outside the task's evaluate(): the student's final weights, the normalised test
    // images, argmax against the labels, give the accuracy the table shows.
    const studentRun = runs.find((run) => run.tags['kdlab.method'] === 'student')!;
    const runDir = path.join(dir, 'runs', 'cls-micro', studentRun.runName);
    const resolved = parse(fs.readFileSync(path.join(runDir, 'config.resolved.yaml'), 'utf8'));
    const instance = (await classificationTask.create(resolved.data, resolved.eval)) as ClassificationTaskInstance;
    const model = buildBackbone(resolved.student.model, 0);
    loadModelWeights(path.join(runDir, 'final'), model);
    const { images, labels, height, width, channels } = instance.test;
    const x = new Float32Array(images.length);
    normaliseInto(images, channels, instance.stats, x);
    const predicted = tf.tidy(() => (model.predict(tf.tensor4d(x, [labels.length, height, width, channels])) as Tensor).argMax(-1).dataSync());
    const correct = labels.reduce((n, l, i) => n + (predicted[i] === l ? 1 : 0), 0);
    expect(labels.length).toBe(30);
    expect(studentRun.metrics['eval/cifar10/top1']).toBeCloseTo((100 * correct) / 30, 9);

    const hints = JSON.parse(fs.readFileSync(path.join(out, 'hints', 'hints.json'), 'utf8'));
    expect(hints.pairs).toHaveLength(3);
    expect(hints.layers.map((l: { layer: string }) => l.layer)).toEqual([1, 2, 3].flatMap((s) => [0, 1].map((b) => `stage${s}.block${b}`)));
    const fitnet = fs.readFileSync(path.join(out, 'hints', 'fitnet-multi-clustered.yaml'), 'utf8');
    for (const p of hints.pairs) expect(fitnet).toContain(`teacher: ${p.teacher}`);

    const mcl = runs.find((run) => run.tags['kdlab.method'] === 'MCL x4')!;
    expect(mcl.status).toBe('FINISHED');
    for (let p = 0; p < 4; p++) {
      const correct = (mcl.metrics[`eval/cifar10/top1_peer${p}`] * 30) / 100; // each peer: a count out of 30
      expect(Math.abs(correct - Math.round(correct))).toBeLessThan(1e-6);
    }
    const peers = [0, 1, 2, 3].map((p) => mcl.metrics[`eval/cifar10/top1_peer${p}`]);
    expect(mcl.metrics['eval/cifar10/top1']).toBeCloseTo(peers.reduce((a, b) => a + b, 0) / 4, 6);
    const clustered = runs.find((run) => run.tags['kdlab.method'] === 'student + AT (clustered hints)')!;
    const config = fs.readFileSync(await tracker.downloadArtifact(clustered.runId, 'config.resolved.yaml', path.join(dir, 'dl')), 'utf8');
    for (const p of hints.pairs) expect(config).toContain(`teacher: ${p.teacher}`);
    // Every row says where its method comes from; a clustered-hint row is abstract-only whatever its loss.
    const level = (method: string) => runs.find((run) => run.tags['kdlab.method'] === method)?.tags['kdlab.source_level'];
    expect(level('student + AT (clustered hints)')).toBe('abstract-only');
    expect(level('student + MIMKD')).toBe('abstract-only');
    expect(level('student + FitNet')).toBe('official-code');
    expect(runs.filter((run) => run.tags['kdlab.role'] !== 'teacher-training').every((run) => run.tags['kdlab.source_level'])).toBe(true);
    // One teacher, trained once (before the hints were chosen) and reused by every row.
    expect(fs.readdirSync(path.join(dir, 'cache', 'teachers'))).toHaveLength(1);
  }, 600000);
});
