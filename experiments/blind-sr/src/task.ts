// The `blind-sr` task: HR patches degraded on the fly by random classic degradations for
// training; Gaussian8 x4 (libs/data loadDegradedPairs, cached) for evaluation, per test set and
// sigma, Y channel (BT.601) with `scale` border pixels cropped, as SISR. Baseline: 'bicubic'.
import { tf } from '@kdlab/engine';
import type { Rng, Tensor, Tensor3D, Tensor4D } from '@kdlab/engine';
import { GAUSSIAN8_X4, imageToTensor, imresizeBicubic, KDSR_ANISO_NOISE10_X4, loadDegradedPairs, heldOutSha256s, loadSrPairs, REALESRGAN_X4, tensorToImage, verifyDataset, type BenchmarkSetting, type DegradedPair, type Image, type SrPair } from '@kdlab/data';
import { countFlops, countFlopsAtSplit, hasDynamicSplit } from '@kdlab/backbones';
import { evaluatePairs, SR_CONVENTION } from '@kdlab/metrics';
import type { BatchStream, EvalResult, Predictor, Task, TaskInstance } from '@kdlab/runner';
import { srEvalSchema, type SrEval } from '@kdlab/sisr';
import { blindSrDataSchema, type BenchmarkName, type BlindSrData, type InputView } from './schema';
import { blindSrBenchFile, blindSrBenchKey, blindSrMeanKey, blindSrMetricKey, blindSrPerImageFile } from './naming';
import { blindSrStream } from './train-stream';
import { inputFor } from './views';

function superResolve(predictor: Predictor, pair: DegradedPair, scale: number, view: InputView): Image {
  if (predictor.kind === 'baseline') {
    if (predictor.name !== 'bicubic') throw new Error(`blind-sr task: unknown baseline ${predictor.name}`);
    return imresizeBicubic(pair.lr, scale);
  }
  const out = tf.tidy(() => {
    const lr = imageToTensor(pair.lr).expandDims(0) as Tensor4D;
    const hr = imageToTensor(pair.hr).expandDims(0) as Tensor4D;
    return (predictor.predict(inputFor(view, lr, hr, scale)) as Tensor).squeeze([0]) as Tensor3D;
  });
  const img = tensorToImage(out);
  out.dispose();
  return img;
}

/**
 * What to feed a model at evaluation: read from its input channels (3: LR; 3 + 3·s²: LR ⊕
 * PixelUnshuffle(HR)), so a KD-IDE teacher evaluated in a student's run still gets the HR view.
 */
export function viewOf(predictor: Predictor, scale: number, fallback: InputView): InputView {
  if (predictor.kind !== 'model' || !predictor.model) return fallback;
  const channels = predictor.model.inputs[0].shape[3];
  if (channels === 3) return 'lr';
  if (channels === 3 + 3 * scale * scale) return 'lr+hr';
  throw new Error(`blind-sr task: model ${predictor.model.name} takes ${channels} input channels; expected 3 (LR) or ${3 + 3 * scale * scale} (LR + PixelUnshuffle(HR))`);
}

const sigmaOf = (p: DegradedPair): number => (p.degradation?.blur?.type === 'iso' ? p.degradation.blur.sigma : NaN);

// One process (a reproduction) reads the same sets many times: load each once.
const hrCache = new Map<string, SrPair[]>();
const benchCache = new Map<string, DegradedPair[]>();
const hrPairsOf = (name: string, scale: number) => hrCache.get(name) ?? hrCache.set(name, loadSrPairs(name, scale)).get(name)!;
const benchmarkOf = (name: string, setting: BenchmarkSetting) => {
  const key = `${name}/${setting.id}`;
  return benchCache.get(key) ?? benchCache.set(key, loadDegradedPairs(name, setting)).get(key)!;
};
const gaussian8Of = (name: string) => benchmarkOf(name, GAUSSIAN8_X4);

/** The libs/data setting behind each benchmark name of config.data.benchmarks but Gaussian8. */
const EXTRA_SETTINGS: Record<Exclude<BenchmarkName, 'gaussian8'>, BenchmarkSetting> = {
  'aniso-noise': KDSR_ANISO_NOISE10_X4,
  real: REALESRGAN_X4,
};

/** One scored setting: Gaussian8 at one sigma, or a whole extra benchmark. */
interface Setting {
  name: string;
  pairs: DegradedPair[];
  keys: { psnr: string; ssim: string; file: string };
  /** Extra benchmarks also log FLOPs (naming.ts). */
  bench?: string;
}

/**
 * FLOPs of the model at `hw` on each LR image: a dynamic split (DCS-RISR) is read per image from
 * its 'dcs.split' layer and counted at that split; any other model counts the same every time.
 */
function flopsPerImage(predictor: Predictor, lrs: Image[], hw: [number, number]): number[] | null {
  if (predictor.kind !== 'model' || !predictor.model) return null;
  const model = predictor.model;
  if (!hasDynamicSplit(model)) return lrs.map(() => countFlops(model, hw));
  const splitModel = tf.model({ inputs: model.inputs, outputs: model.getLayer('dcs.split').output });
  return lrs.map((lr) => {
    const alphas = tf.tidy(() => Array.from((splitModel.predict(imageToTensor(lr).expandDims(0)) as Tensor).dataSync()));
    return countFlopsAtSplit(model, alphas, hw);
  });
}


class BlindSrTaskInstance implements TaskInstance {
  readonly baselines = ['bicubic'] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;
  readonly trainImages: SrPair[];

  constructor(private readonly data: BlindSrData, private readonly evalCfg: SrEval) {
    const heldOut = heldOutSha256s(data.val ?? [], 'blind-sr task');
    const pairs = data.train.flatMap((name) => hrPairsOf(name, data.scale)).filter((p) => !heldOut.has(p.sha256));
    this.trainImages = data.trainLimit ? pairs.slice(0, data.trainLimit) : pairs;
    if (this.trainImages.length === 0) throw new Error(`blind-sr task: no training images left in ${data.train.join('+')} after leaving out ${(data.val ?? []).join('+')}`);
    this.flopsInputHw = [Math.round(720 / data.scale), Math.round(1280 / data.scale)];
    const d = data.degradation;
    this.tags = {
      'kdlab.scale': String(data.scale),
      'kdlab.train_data': data.train.join('+'),
      'kdlab.train_images': String(this.trainImages.length),
      'kdlab.train_degradation': d.blur === 'iso' ? `iso sigma U[${d.sigma.join(', ')}], kernel ${d.kernelSize}, noise U[0, ${d.noiseMax})` : `aniso lambda U[${d.lambda.join(', ')}], theta U[0, 180), kernel ${d.kernelSize}, noise U[0, ${d.noiseMax})`,
      'kdlab.train_pipeline': d.pipeline === 'realesrgan' ? 'realesrgan second-order (libs/data REALESRGAN_X4_OPTIONS)' : 'classic',
      'kdlab.eval_degradation': data.benchmarks.map((b) => (b === 'gaussian8' ? `${GAUSSIAN8_X4.id} sigmas ${data.sigmas.join(', ')}` : EXTRA_SETTINGS[b].id)).join('; '),
      'kdlab.input': data.input,
      'kdlab.metric_convention': `${SR_CONVENTION} (here: channel ${evalCfg.channel}, crop ${evalCfg.crop})`,
      'kdlab.eval_split': evalCfg.split === 'val' ? `val: ${data.val!.join('+')}` : `test: ${data.test.join('+')}`,
    };
  }

  datasets() {
    return [...new Set([...this.data.train, ...(this.data.val ?? []), ...this.data.test])].map((name) => verifyDataset(name));
  }

  trainStream(rng: Rng): BatchStream {
    return blindSrStream(this.trainImages, this.data, rng);
  }

  private settings(names: string[]): Setting[] {
    const { scale, sigmas, benchmarks } = this.data;
    const limit = (pairs: DegradedPair[]) => (this.evalCfg.limit ? pairs.slice(0, this.evalCfg.limit) : pairs);
    return names.flatMap((name) =>
      benchmarks.flatMap((b): Setting[] => {
        if (b === 'gaussian8') {
          return sigmas.map((sigma) => ({
            name,
            pairs: limit(gaussian8Of(name).filter((p) => Math.abs(sigmaOf(p) - sigma) < 1e-9)),
            keys: { psnr: blindSrMetricKey(name, sigma, scale, 'psnr'), ssim: blindSrMetricKey(name, sigma, scale, 'ssim'), file: blindSrPerImageFile(name, sigma, scale) },
          }));
        }
        return [{
          name,
          bench: b,
          pairs: limit(benchmarkOf(name, EXTRA_SETTINGS[b])),
          keys: { psnr: blindSrBenchKey(name, b, scale, 'psnr'), ssim: blindSrBenchKey(name, b, scale, 'ssim'), file: blindSrBenchFile(name, b, scale) },
        }];
      }),
    );
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    const { scale, sigmas } = this.data;
    const names = this.evalCfg.split === 'val' ? this.data.val! : this.data.test;
    const opts = { channel: this.evalCfg.channel, crop: this.evalCfg.crop === 'scale' ? scale : this.evalCfg.crop };
    const settings = this.settings(names);
    const total = settings.reduce((n, s) => n + s.pairs.length, 0);
    let done = 0;
    const view = viewOf(predictor, scale, this.data.input);
    const metrics: Record<string, number> = {};
    const files: Record<string, object> = {};
    for (const s of settings) {
      if (s.pairs.length === 0) throw new Error(`blind-sr task: ${s.name} has no image for ${s.keys.psnr}`);
      const scored = s.pairs.map((p) => {
        const sr = superResolve(predictor, p, scale, view);
        onProgress?.(++done, total);
        return { name: p.name, hr: p.hr, sr };
      });
      const res = evaluatePairs(scored, opts);
      metrics[s.keys.psnr] = res.mean.psnr;
      metrics[s.keys.ssim] = res.mean.ssim;
      const flops = s.bench ? flopsPerImage(predictor, s.pairs.map((p) => p.lr), this.flopsInputHw) : null;
      if (flops) metrics[blindSrBenchKey(s.name, s.bench!, scale, 'flops')] = flops.reduce((a, b) => a + b, 0) / flops.length;
      files[s.keys.file] = { images: flops ? res.images.map((im, i) => ({ ...im, flops: flops[i] })) : res.images, mean: res.mean };
    }
    if (this.data.benchmarks.includes('gaussian8')) {
      for (const name of names) {
        for (const m of ['psnr', 'ssim'] as const) {
          metrics[blindSrMeanKey(name, scale, m)] = sigmas.reduce((a, sigma) => a + metrics[blindSrMetricKey(name, sigma, scale, m)], 0) / sigmas.length;
        }
      }
    }
    return { metrics, files };
  }

  dispose(): void {
    // Images are plain arrays; nothing to release.
  }
}

export const blindSrTask: Task<BlindSrData, SrEval> = {
  name: 'blind-sr',
  dataSchema: blindSrDataSchema,
  evalSchema: srEvalSchema,
  modelSpec(spec, data) {
    if (spec.scale !== undefined && spec.scale !== data.scale) throw new Error(`model ${spec.arch}: scale ${String(spec.scale)} differs from config.data.scale ${data.scale}`);
    return { ...spec, scale: data.scale };
  },
  async create(data, evalCfg) {
    if (evalCfg.split === 'val' && !data.val) throw new Error("blind-sr task: config.eval.split is 'val' but config.data.val names no validation split (e.g. [T91-BSD200-val])");
    return new BlindSrTaskInstance(data, evalCfg);
  },
};
