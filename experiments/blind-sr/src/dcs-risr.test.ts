// DCS-RISR end to end on a micro model, real TF backend, tracked in a real MLflow server: trained
// on Real-ESRGAN second-order LR with the batch's degradation target; every term of the method
// config is logged, the DPN learns from its regression term, the real-world set is scored with
// per-image split FLOPs; the fixed split trains the same SR net without a DPN.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { LayersModel } from '@kdlab/engine';
import { countFlops } from '@kdlab/backbones';
import { executeRun, resolveRun } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import './index';

const REPO = path.resolve(__dirname, '../../..');
const CONFIGS = path.join(REPO, 'experiments/blind-sr/configs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(REPO, 'tools/testing/mlflow-server.js')) as typeof import('../../../tools/testing/mlflow-server');

/** The quick profile + a DCS-RISR method config, shrunk to a micro run. */
const micro = (method: string, name: string, extra: string[] = []) =>
  resolveRun([path.join(CONFIGS, 'profiles/quick.yaml'), path.join(CONFIGS, 'methods', `${method}.yaml`)], {
    sets: [
      `name=${name}`, 'experiment=blind-micro-dcs', 'train.steps=6', 'train.logEvery=3', 'train.checkpointEvery=3',
      'data.trainLimit=2', 'data.lrPatch=8', 'data.batch=2', 'data.test=[Set5]', 'data.sigmas=[2.6]', 'eval.limit=1',
      'student.model.channels=4', 'student.model.blocks=2', 'student.model.dpnChannels=4',
      'optim.optimizer.lr=0.01',
      ...extra,
    ],
  });

type Weights = Map<string, Float32Array>;
const weightsOf = (m: LayersModel): Weights => new Map(m.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('DCS-RISR micro training (real MLflow server)', () => {
  let server: Awaited<ReturnType<typeof startMlflowServer>>;
  beforeAll(async () => {
    server = await startMlflowServer();
  }, 120000);
  afterAll(async () => server?.stop());

  it('trains on second-order LR with the degradation target, logs every term and the real-world split FLOPs; the fixed split has no DPN', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-dcs-'));
    const opts = { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: server.url, log: () => undefined };
    let initial!: Weights;
    // Zero steps: the model as initialised (same config seed, so the same weights as below).
    await executeRun(micro('dcs-risr', 'init', ['train.steps=0']), { ...opts, afterTraining: ({ student }) => void (initial = weightsOf(student)) });
    let trained!: { weights: Weights; model: LayersModel };
    const result = await executeRun(micro('dcs-risr', 'dcs'), { ...opts, afterTraining: ({ student }) => void (trained = { weights: weightsOf(student), model: student }) });

    // The DPN's weights moved (its only gradients besides the split's come from the regression term).
    const dpn = [...initial.keys()].filter((n) => n.startsWith('dpn.'));
    expect(dpn.length).toBeGreaterThan(4);
    expect(dpn.filter((n) => !same(trained.weights.get(n)!, initial.get(n)!)).length).toBe(dpn.length);

    const tracker = createTracker(server.url);
    const run = (await tracker.searchRuns({ experiment: 'blind-micro-dcs' })).find((r) => r.runId === result.runId)!;
    expect(run.status).toBe('FINISHED');
    for (const term of ['task', 'degradation', 'nonlocal', 'flops']) {
      const h = await tracker.getMetricHistory(result.runId, `train/${term}`);
      expect({ term, steps: h.map((p) => p.step) }).toEqual({ term, steps: [3, 6] });
      expect(h.every((p) => Number.isFinite(p.value) && p.value >= 0)).toBe(true);
    }
    for (const key of ['eval/Set5-real/x4/psnr', 'eval/Set5-real/x4/flops', 'eval/Set5-aniso-noise/x4/psnr', 'eval/Set5-g2.6/x4/psnr', 'model/flops']) expect(run.metrics[key]).toBeCloseTo(result.metrics[key], 0);
    // Per-image split: below the all-high upper bound the static count reports.
    expect(result.metrics['eval/Set5-real/x4/flops']).toBeLessThan(result.metrics['model/flops']);
    expect(result.metrics['model/flops']).toBe(countFlops(trained.model, [180, 320]));

    const fixed = await executeRun(micro('dcs-risr-fixed', 'dcs-fixed'), opts);
    expect(fixed.metrics['eval/Set5-real/x4/flops']).toBe(fixed.metrics['model/flops']);
    expect(result.metrics['model/params'] - fixed.metrics['model/params']).toBeGreaterThan(0);
  }, 240000);
});
