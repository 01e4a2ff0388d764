// A micro distillation run logged to a real MLflow server (from .venv, on
// 127.0.0.1), read back through the server's API.
import * as fs from 'fs';
import * as path from 'path';
import { executeRun, resolveRun } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import './index';
import { REPO, microConfig, tempDir } from './testing/micro';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(REPO, 'tools/testing/mlflow-server.js')) as typeof import('../../../tools/testing/mlflow-server');

describe('kdlab run into a real MLflow server', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>>;
  beforeAll(async () => {
    server = await startMlflowServer();
  }, 120000);
  afterAll(async () => server?.stop());

  it('params, metrics by step, provenance tags and artifacts reach the server', async () => {
    const dir = tempDir('mlflow');
    const run = resolveRun([microConfig(dir)], { sets: ['train.steps=6'] });
    const result = await executeRun(run, { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: server.url, log: () => undefined });
    const tracker = createTracker(server.url);
    const runs = await tracker.searchRuns({ experiment: 'micro' });
    const student = runs.find((r) => r.runId === result.runId)!;
    expect(student.status).toBe('FINISHED');
    expect(student.tags['kdlab.method']).toBe('student + FD');
    expect(student.params['train.steps']).toBe('6');
    expect(student.metrics['eval/Set5/x2/psnr']).toBeCloseTo(result.metrics['eval/Set5/x2/psnr'], 6);
    expect((await tracker.getMetricHistory(result.runId, 'train/fd')).map((p) => p.step)).toEqual([5, 6]);
    const teachers = await tracker.searchRuns({ experiment: 'micro-teachers' });
    expect(teachers.map((r) => [r.tags['kdlab.role'], r.status])).toEqual([['teacher-training', 'FINISHED']]);
    const config = await tracker.downloadArtifact(result.runId, 'config.resolved.yaml', path.join(dir, 'dl'));
    expect(fs.readFileSync(config, 'utf8')).toContain(`# sha256 ${run.hash}`);
    const perImage = await tracker.downloadArtifact(result.runId, 'eval/Set5_x2.json', path.join(dir, 'dl'));
    expect(JSON.parse(fs.readFileSync(perImage, 'utf8')).images).toHaveLength(1);
  }, 180000);
});
