// A micro TSC-Net run end to end, logged to the real MLflow server of the jest global setup
// (KDLAB_TEST_MLFLOW_URI): the same-architecture teacher trains NDCT -> NDCT first (its own run),
// then the DEM student trains on LDCT with consistency + contrastive terms while the teacher sees
// NDCT; provenance carries the simulation; the report figure is drawn from the finished runs.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executeRun, resolveRun, type RunResult } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import { readImage } from '@kdlab/data';
import './index';
import { ctFigures } from './figures';

const REPO = path.resolve(__dirname, '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-tsc-'));
process.env.KDLAB_CT_CACHE = path.join(tmp, 'ct-cache');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// 128 px slices, 96 views, 2 training slices, 24 px patches, a few steps: seconds per run.
const MICRO = [
  'data.downsample=4', 'data.simulation.views=96', 'data.train=[ct-test]', 'data.trainLimit=2', 'data.patch=24', 'data.batch=2', 'data.testDoses=[0.25]', 'eval.limit=1',
  'student.model={arch: redcnn, channels: 4}', 'train.steps=4', 'train.logEvery=2', 'train.checkpointEvery=4', 'experiment=ct-micro',
];
const MICRO_TEACHER = ['teacher.model={arch: redcnn, channels: 4}', 'teacher.train.train={steps: 3, checkpointEvery: 3}'];

function run(files: string[], name: string, extra: string[] = []): Promise<RunResult> {
  const resolved = resolveRun(files.map((f) => path.join(REPO, 'experiments/ct-denoising/configs', f)), { sets: [...MICRO, ...extra, `name=${name}`] });
  return executeRun(resolved, { runsDir: path.join(tmp, 'runs'), cacheDir: path.join(tmp, 'cache'), trackingUri: process.env.KDLAB_TEST_MLFLOW_URI, log: () => undefined });
}

describe('TSC-Net micro run', () => {
  it('trains the NDCT teacher, distils into the DEM student and logs provenance; the figure shows the slice', async () => {
    const uri = process.env.KDLAB_TEST_MLFLOW_URI;
    expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const tsc = await run(['profiles/quick-tsc.yaml', 'methods/tsc-net.yaml'], 'tsc', [...MICRO_TEACHER, 'student.model.dem=true', 'teacher.model.dem=true']);
    const student = await run(['profiles/quick.yaml', 'methods/student.yaml'], 'student');
    const tracker = createTracker(uri);
    const runs = await tracker.searchRuns({ experiment: 'ct-micro' });
    const logged = runs.find((r) => r.runId === tsc.runId)!;
    expect(logged.status).toBe('FINISHED');
    expect(logged.tags['kdlab.method']).toBe('TSC-Net (+ DEM)');
    expect(logged.tags['kdlab.source_level']).toBe('abstract-only');
    expect(JSON.parse(logged.tags['kdlab.ct_simulation'])).toMatchObject({ geometry: 'parallel-beam', i0: 100000, views: 96, electronicNoise: 3 });
    expect(Object.keys(JSON.parse(logged.tags['kdlab.data_checksums']))).toEqual(expect.arrayContaining(['ct-test', 'ct-test-lowdose']));
    expect(logged.tags['kdlab.ct_pathway']).toBe('input ldct, teacher input ndct');
    for (const k of ['train/task', 'train/kt_bottleneck', 'train/kt_dec3', 'train/cr']) expect(Number.isFinite(logged.metrics[k])).toBe(true);
    expect(logged.metrics['train/cr']).toBeGreaterThan(0);
    expect(Number.isFinite(logged.metrics['eval/ct-test-d25/psnr'])).toBe(true);
    // The teacher was trained in its own run, on the NDCT -> NDCT pathway.
    const teachers = await tracker.searchRuns({ experiment: 'ct-micro-teachers' });
    expect(teachers).toHaveLength(1);
    expect(teachers[0].tags['kdlab.ct_pathway']).toBe('input ndct, teacher input ndct');
    // The report figure: NDCT / LDCT / student / TSC-Net, one row per test dose.
    const outDir = path.join(tmp, 'report');
    const figures = await ctFigures({ outDir, runsDir: path.join(tmp, 'runs'), cacheDir: path.join(tmp, 'cache'), results: [student, tsc], log: () => undefined }, { student: 'student', tscNet: 'TSC-Net (+ DEM)' });
    expect(figures).toHaveLength(1);
    const fig = figures[0] as { file: string; caption: string };
    const img = readImage(fig.file);
    expect([img.height, img.width]).toEqual([128, 4 * 128 + 3 * 4]);
    expect(fig.caption).toMatch(/NDCT, simulated LDCT, student, TSC-Net \(\+ DEM\)/);
  }, 600000);
});
