// The `ct-denoise` task: simulated low-dose / real normal-dose CT pairs (./pairs.ts), random
// body-centred patches for training, whole-slice evaluation in HU per test dose (./metrics.ts).
// Baseline: 'ldct' (the low-dose image itself, no denoising).
// Values in tensors: CT numbers normalised as (HU + 1024) / 4096 (RED-CNN re-implementations'
// [-1024, 3072] range), [N, H, W, 1].
import { tf } from '@kdlab/engine';
import type { Rng, Tensor, Tensor4D } from '@kdlab/engine';
import { loadManifest, datasetDigest, sha256, verifyDataset } from '@kdlab/data';
import type { Batch, BatchStream, DatasetProvenance, EvalResult, Predictor, Task, TaskInstance } from '@kdlab/runner';
import { ctConvention, scoreCt, type CtScore } from './metrics';
import { ctMetricKey, ctPerImageFile } from './naming';
import { defaultCtCacheDir, loadNdctSlices, simulateSet, simulationKey, simulationRecord, type NdctSlice, type SimulatedSet } from './pairs';
import { ctDataSchema, ctEvalSchema, type CtData, type CtEval } from './schema';

export const HU_OFFSET = 1024;
export const HU_SCALE = 4096;

export const toUnit = (hu: number) => (hu + HU_OFFSET) / HU_SCALE;
export const fromUnit = (v: number) => v * HU_SCALE - HU_OFFSET;

/** One HU slice as a [1, n, n, 1] normalised tensor. */
export function sliceTensor(hu: Float32Array, n: number): Tensor4D {
  return tf.tensor4d(Float32Array.from(hu, toUnit), [1, n, n, 1]);
}

/** Runs a predictor on one LDCT slice and returns HU. */
export function denoiseSlice(predict: (x: Tensor) => Tensor, ldct: Float32Array, n: number): Float32Array {
  const out = tf.tidy(() => predict(sliceTensor(ldct, n)));
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return Float32Array.from(data, fromUnit);
}

/** Top-left corners of patch x patch windows whose centre lies in the body. */
function patchCorners(s: NdctSlice, patch: number): Int32Array {
  const out: number[] = [];
  const half = Math.floor(patch / 2);
  for (let r = 0; r + patch <= s.n; r++) for (let c = 0; c + patch <= s.n; c++) if (s.body[(r + half) * s.n + c + half]) out.push(r * s.n + c);
  if (out.length === 0) throw new Error(`ct-denoise: ${s.name} has no ${patch}x${patch} patch centred in the body`);
  return Int32Array.from(out);
}

/** Copies a patch with one of the 8 dihedral transforms (k: rotation by 90° k%4 times, flipped when k >= 4). */
function copyPatch(src: Float32Array, n: number, corner: number, patch: number, k: number, dst: Float32Array, at: number): void {
  const r0 = Math.floor(corner / n);
  const c0 = corner % n;
  for (let i = 0; i < patch; i++) {
    for (let j = 0; j < patch; j++) {
      let y = i;
      let x = k >= 4 ? patch - 1 - j : j;
      for (let t = 0; t < k % 4; t++) [y, x] = [x, patch - 1 - y];
      dst[at + i * patch + j] = toUnit(src[(r0 + y) * n + c0 + x]);
    }
  }
}

class CtTaskInstance implements TaskInstance {
  readonly baselines = ['ldct'] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;
  private train?: { sets: SimulatedSet[]; corners: Int32Array[][] };

  constructor(private readonly data: CtData, private readonly evalCfg: CtEval, private readonly cacheDir = defaultCtCacheDir()) {
    const n = loadNdctSlices(data.test[0], data.downsample)[0].n;
    this.flopsInputHw = [n, n];
    const { seed, ...physics } = data.simulation;
    this.tags = {
      'kdlab.metric_convention': ctConvention(evalCfg.window),
      'kdlab.ct_simulation': JSON.stringify({ geometry: 'parallel-beam', ...physics, noiseSeed: seed, downsample: data.downsample, trainDoses: data.doses, testDoses: data.testDoses, simulator: simulationRecord({ sha256: '', n: 0, pixelMm: 0 }, 0, data.simulation, 1).simulator }),
      'kdlab.ct_pathway': `input ${data.input}, teacher input ${data.teacherInput ?? data.input}`,
      'kdlab.train_data': data.train.join('+'),
    };
  }

  /** Manifests (sha256-verified) and, per simulated set, a digest of its cache keys (parameters included). */
  datasets(): DatasetProvenance[] {
    const manifests = [...new Set([...this.data.train, ...this.data.test])].map((name) => verifyDataset(name));
    const sim = (name: string, doses: number[]): DatasetProvenance => {
      const slices = loadNdctSlices(name, this.data.downsample);
      const keys = doses.flatMap((d) => slices.map((s) => simulationKey(simulationRecord(s, this.data.downsample, this.data.simulation, d))));
      return { name: `${name}-lowdose`, files: keys.length, sha256: sha256(Buffer.from(`${datasetDigest(loadManifest(name))}\n${keys.join('\n')}`)) };
    };
    const needsTrainLdct = this.data.input === 'ldct' || (this.data.teacherInput ?? this.data.input) === 'ldct';
    return [...manifests, ...(needsTrainLdct ? this.data.train.map((t) => sim(t, this.data.doses)) : []), ...this.data.test.map((t) => sim(t, this.data.testDoses))];
  }

  private trainingSets(): { sets: SimulatedSet[]; corners: Int32Array[][] } {
    if (!this.train) {
      const needsLdct = this.data.input === 'ldct' || (this.data.teacherInput ?? this.data.input) === 'ldct';
      const sets = this.data.train.map((name) => {
        if (needsLdct) return simulateSet(name, this.data.downsample, this.data.simulation, this.data.doses, this.cacheDir);
        const slices = loadNdctSlices(name, this.data.downsample);
        return { slices, ldct: new Map(), digest: '', simulated: 0 };
      });
      if (this.data.trainLimit) for (const s of sets) s.slices = s.slices.slice(0, this.data.trainLimit);
      this.train = { sets, corners: sets.map((s) => s.slices.map((sl) => patchCorners(sl, this.data.patch))) };
    }
    return this.train;
  }

  trainStream(rng: Rng): BatchStream {
    const { sets, corners } = this.trainingSets();
    const { patch, batch, doses, augment, input } = this.data;
    const teacherInput = this.data.teacherInput ?? input;
    const index = sets.flatMap((s, i) => s.slices.map((_, j) => [i, j] as const));
    let drawn = 0;
    return {
      next: (): Batch => {
        const size = patch * patch;
        const ld = new Float32Array(batch * size);
        const nd = new Float32Array(batch * size);
        const needLd = input === 'ldct' || teacherInput === 'ldct';
        for (let b = 0; b < batch; b++) {
          const [si, sj] = index[rng.int(index.length)];
          const slice = sets[si].slices[sj];
          const dose = doses[rng.int(doses.length)];
          const cs = corners[si][sj];
          const corner = cs[rng.int(cs.length)];
          const k = augment ? rng.int(8) : 0;
          copyPatch(slice.hu, slice.n, corner, patch, k, nd, b * size);
          if (needLd) copyPatch(sets[si].ldct.get(dose)![sj], slice.n, corner, patch, k, ld, b * size);
        }
        drawn++;
        const shape: [number, number, number, number] = [batch, patch, patch, 1];
        const pick = (which: 'ldct' | 'ndct') => tf.tensor4d(which === 'ldct' ? ld : nd, shape);
        return { input: pick(input), target: tf.tensor4d(nd, shape), ...(teacherInput !== input ? { teacherInput: pick(teacherInput) } : {}) };
      },
      // Every draw comes from `rng`, whose state the runner checkpoints; the count is informative.
      getState: () => ({ drawn }),
      setState: (s) => {
        drawn = (s as { drawn?: number })?.drawn ?? 0;
      },
    };
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    const { test, testDoses, downsample, simulation } = this.data;
    const sets = test.map((name) => simulateSet(name, downsample, simulation, testDoses, this.cacheDir));
    const limit = this.evalCfg.limit;
    const total = sets.reduce((a, s) => a + Math.min(limit ?? Infinity, s.slices.length), 0) * testDoses.length;
    let done = 0;
    const metrics: Record<string, number> = {};
    const files: Record<string, object> = {};
    sets.forEach((set, si) => {
      const slices = limit ? set.slices.slice(0, limit) : set.slices;
      for (const dose of testDoses) {
        const images = slices.map((s, j) => {
          const ldct = set.ldct.get(dose)![j];
          let out: Float32Array;
          if (predictor.kind === 'baseline') {
            if (predictor.name !== 'ldct') throw new Error(`ct-denoise: unknown baseline ${JSON.stringify(predictor.name)} (ldct)`);
            out = ldct;
          } else out = denoiseSlice(predictor.predict, ldct, s.n);
          onProgress?.(++done, total);
          return { name: s.name, patient: s.patient, ...scoreCt(s.hu, out, s.n, this.evalCfg.window) };
        });
        const mean = (k: keyof CtScore) => images.reduce((a, im) => a + im[k], 0) / images.length;
        const m = { psnr: mean('psnr'), ssim: mean('ssim'), rmse: mean('rmse') };
        for (const k of ['psnr', 'ssim', 'rmse'] as const) metrics[ctMetricKey(test[si], dose, k)] = m[k];
        files[ctPerImageFile(test[si], dose)] = { images, mean: m, dose, window: this.evalCfg.window };
      }
    });
    return { metrics, files };
  }

  dispose(): void {
    // Slices are plain arrays (shared by the module cache); nothing to release.
  }
}

export const ctTask: Task<CtData, CtEval> = {
  name: 'ct-denoise',
  dataSchema: ctDataSchema,
  evalSchema: ctEvalSchema,
  async create(data, evalCfg) {
    return new CtTaskInstance(data, evalCfg);
  },
};
