// The `sr` task: LR/HR pairs by MATLAB bicubic degradation, random patches for
// training, and full-image evaluation (Y channel, border crop = scale by
// default) per test set. Baseline: 'bicubic' (MATLAB bicubic upscaling).
import { tf } from '@kdlab/engine';
import type { Rng, Tensor, Tensor3D, Tensor4D } from '@kdlab/engine';
import { PatchSampler, imageToTensor, imresizeBicubic, heldOutSha256s, loadSrPairs, tensorToImage, verifyDataset, type Image, type SrPair } from '@kdlab/data';
import { evaluatePairs, SR_CONVENTION } from '@kdlab/metrics';
import type { BatchStream, EvalResult, Predictor, Task, TaskInstance } from '@kdlab/runner';
import { srDataSchema, srEvalSchema, type SrData, type SrEval } from './schema';
import { srMetricKey, srPerImageFile } from './naming';

function superResolve(predictor: Predictor, lr: Image, scale: number): Image {
  if (predictor.kind === 'baseline') {
    if (predictor.name !== 'bicubic') throw new Error(`sr task: unknown baseline ${predictor.name}`);
    return imresizeBicubic(lr, scale);
  }
  const out = tf.tidy(() => {
    const x = imageToTensor(lr).expandDims(0) as Tensor4D;
    return (predictor.predict(x) as Tensor).squeeze([0]) as Tensor3D;
  });
  const img = tensorToImage(out);
  out.dispose();
  return img;
}

// Runs in one process (a reproduction) read the same datasets many times: load
// and checksum each once. Images are immutable once loaded.
const pairCache = new Map<string, SrPair[]>();
const checksumCache = new Map<string, ReturnType<typeof verifyDataset>>();

function pairsOf(dataset: string, scale: number): SrPair[] {
  const key = `${dataset}@x${scale}`;
  if (!pairCache.has(key)) pairCache.set(key, loadSrPairs(dataset, scale));
  return pairCache.get(key)!;
}

function checksumOf(dataset: string): ReturnType<typeof verifyDataset> {
  if (!checksumCache.has(dataset)) checksumCache.set(dataset, verifyDataset(dataset));
  return checksumCache.get(dataset)!;
}


class SrTaskInstance implements TaskInstance {
  readonly baselines = ['bicubic'] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;
  /** The training pairs after `trainLimit` and without the validation images. */
  readonly trainPairs: SrPair[];

  constructor(private readonly data: SrData, private readonly evalCfg: SrEval) {
    // Validation images never reach training, whichever training set holds them (matched by content).
    const heldOut = heldOutSha256s(data.val ?? [], 'sr task');
    const pairs = data.train.flatMap((name) => pairsOf(name, data.scale)).filter((p) => !heldOut.has(p.sha256));
    this.trainPairs = data.trainLimit ? pairs.slice(0, data.trainLimit) : pairs;
    if (this.trainPairs.length === 0) throw new Error(`sr task: no training images left in ${data.train.join('+')} after leaving out ${(data.val ?? []).join('+')}`);
    // FLOPs at the LR size of a 1280x720 output, the convention of SR papers.
    this.flopsInputHw = [Math.round(720 / data.scale), Math.round(1280 / data.scale)];
    this.tags = {
      'kdlab.scale': String(data.scale),
      'kdlab.train_data': data.train.join('+'),
      'kdlab.train_images': String(this.trainPairs.length),
      'kdlab.metric_convention': `${SR_CONVENTION} (here: channel ${evalCfg.channel}, crop ${evalCfg.crop})`,
      'kdlab.eval_split': evalCfg.split === 'val' ? `val: ${data.val!.join('+')}` : `test: ${data.test.join('+')}`,
    };
    if (data.val) this.tags['kdlab.val_data'] = data.val.join('+');
  }

  datasets() {
    return [...new Set([...this.data.train, ...(this.data.val ?? []), ...this.data.test])].map(checksumOf);
  }

  trainStream(rng: Rng): BatchStream {
    const { lrPatch, scale, batch, augment } = this.data;
    const sampler = new PatchSampler(this.trainPairs, { lrPatch, scale, batch, rng, augment });
    return {
      next: () => {
        const { lr, hr } = sampler.next();
        return { input: lr, target: hr };
      },
      getState: () => sampler.getState(),
      setState: (s) => sampler.setState(s),
    };
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    const { scale } = this.data;
    const test = this.evalCfg.split === 'val' ? this.data.val! : this.data.test;
    const opts = { channel: this.evalCfg.channel, crop: this.evalCfg.crop === 'scale' ? scale : this.evalCfg.crop };
    const sets = test.map((name) => {
      const pairs = pairsOf(name, scale);
      return { name, pairs: this.evalCfg.limit ? pairs.slice(0, this.evalCfg.limit) : pairs };
    });
    const total = sets.reduce((n, s) => n + s.pairs.length, 0);
    let done = 0;
    const metrics: Record<string, number> = {};
    const files: Record<string, object> = {};
    for (const set of sets) {
      const scored = set.pairs.map((p) => {
        const sr = superResolve(predictor, p.lr, scale);
        onProgress?.(++done, total);
        // Grey HR images (Set14's bridge, man) score against the RGB output as equal-channel RGB (metrics' convention).
        return { name: p.name, hr: p.hr, sr };
      });
      const res = evaluatePairs(scored, opts);
      metrics[srMetricKey(set.name, scale, 'psnr')] = res.mean.psnr;
      metrics[srMetricKey(set.name, scale, 'ssim')] = res.mean.ssim;
      files[srPerImageFile(set.name, scale)] = { images: res.images, mean: res.mean };
    }
    return { metrics, files };
  }

  dispose(): void {
    // Pairs are plain arrays; nothing to release.
  }
}

export const srTask: Task<SrData, SrEval> = {
  name: 'sr',
  dataSchema: srDataSchema,
  evalSchema: srEvalSchema,
  modelSpec(spec, data) {
    if (spec.scale !== undefined && spec.scale !== data.scale) {
      throw new Error(`model ${spec.arch}: scale ${String(spec.scale)} differs from config.data.scale ${data.scale}`);
    }
    return { ...spec, scale: data.scale };
  },
  async create(data, evalCfg) {
    if (evalCfg.split === 'val' && !data.val) throw new Error("sr task: config.eval.split is 'val' but config.data.val names no validation split (e.g. [T91-BSD200-val])");
    return new SrTaskInstance(data, evalCfg);
  },
};
