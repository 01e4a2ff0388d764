// Real-ESRGAN's second-order degradation (Wang et al., ICCVW 2021; xinntao/Real-ESRGAN
// realesrgan/models/realesrnet_model.py feed_data, kernels from realesrgan/data/realesrgan_dataset.py,
// parameters of options/train_realesrnet_x4plus.yml), seeded from the kdlab Rng:
//   blur k1 -> random resize -> Gaussian or Poisson noise -> JPEG
//   -> blur k2 (p = 0.8) -> random resize -> noise -> in random order: [resize to HR/scale + sinc] and JPEG
//   -> round to 8 bits.
// Deviations (stated in libs/data/README.md): JPEG through libjpeg-turbo (TF's codec) on the image
// rounded to 8 bits at an integer quality (the released training uses DiffJPEG, a PyTorch re-implementation
// on floats); the random draws come from one Rng in the order of the code below, not numpy/torch/random;
// no USM sharpening of the HR and no 400-pixel crop (those prepare training targets, not the LR).
import type { Rng } from '@kdlab/engine';
import { decodeImage, encodeImage } from '../codec';
import { toRgb, type Image } from '../image';
import { blurReflect } from './blur';
import { quantizeToUint8, toFloatImage, type FloatImage } from './float-image';
import { INTERPOLATION_MODES, interpolate } from './interpolate';
import { anisotropicGaussianKernel, isotropicGaussianKernel, type Kernel } from './kernels';
import { generalizedGaussianKernel, padKernel, plateauKernel, sincKernel } from './kernels-real';
import { addGaussianNoiseReal, addPoissonNoiseReal } from './noise-real';

/** Version of this pipeline; part of the benchmark cache key. Bump it when its output changes. */
// v2: Poisson noise from the data library's one sampler (libs/data/src/poisson.ts, inversion below λ = 10).
export const SECOND_ORDER_VERSION = 'realesrgan-v2';

export const KERNEL_TYPES = ['iso', 'aniso', 'generalized_iso', 'generalized_aniso', 'plateau_iso', 'plateau_aniso'] as const;

interface StageOptions {
  kernelProb: readonly number[];
  sincProb: number;
  blurSigma: [number, number];
  betag: [number, number];
  betap: [number, number];
  resizeProb: [number, number, number]; // up, down, keep
  resizeRange: [number, number];
  gaussianNoiseProb: number;
  noiseRange: [number, number];
  poissonScaleRange: [number, number];
  grayNoiseProb: number;
  jpegRange: [number, number];
}

export interface SecondOrderOptions {
  scale: number;
  first: StageOptions;
  second: StageOptions & { blurProb: number };
  finalSincProb: number;
}

const KERNEL_PROB = [0.45, 0.25, 0.12, 0.03, 0.12, 0.03];

/** options/train_realesrnet_x4plus.yml (and the same values in train_realesrgan_x4plus.yml). */
export const REALESRGAN_X4_OPTIONS: SecondOrderOptions = {
  scale: 4,
  first: {
    kernelProb: KERNEL_PROB, sincProb: 0.1, blurSigma: [0.2, 3], betag: [0.5, 4], betap: [1, 2],
    resizeProb: [0.2, 0.7, 0.1], resizeRange: [0.15, 1.5], gaussianNoiseProb: 0.5, noiseRange: [1, 30],
    poissonScaleRange: [0.05, 3], grayNoiseProb: 0.4, jpegRange: [30, 95],
  },
  second: {
    kernelProb: KERNEL_PROB, sincProb: 0.1, blurSigma: [0.2, 1.5], betag: [0.5, 4], betap: [1, 2], blurProb: 0.8,
    resizeProb: [0.3, 0.4, 0.3], resizeRange: [0.3, 1.2], gaussianNoiseProb: 0.5, noiseRange: [1, 25],
    poissonScaleRange: [0.05, 2.5], grayNoiseProb: 0.4, jpegRange: [30, 95],
  },
  finalSincProb: 0.8,
};

const uniform = (rng: Rng, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * rng.next();
const KERNEL_SIZES = [7, 9, 11, 13, 15, 17, 19, 21];

function choose<T>(rng: Rng, items: readonly T[], probs?: readonly number[]): T {
  if (!probs) return items[rng.int(items.length)];
  let u = rng.next() * probs.reduce((s, p) => s + p, 0);
  for (let i = 0; i < items.length; i++) {
    u -= probs[i];
    if (u < 0) return items[i];
  }
  return items[items.length - 1];
}

/** β from [lo, 1) or [1, hi) with equal odds, as basicsr draws it. */
const beta = (rng: Rng, [lo, hi]: [number, number]) => (rng.next() < 0.5 ? uniform(rng, [lo, 1]) : uniform(rng, [1, hi]));

/** What one stage's kernel draw was (for a degradation-regression target, e.g. DCS-RISR's). */
export interface RealKernelDraw {
  sinc: boolean;
  /** Sinc: the cutoff ωc; Gaussian-family: σx. */
  sx: number;
  /** Gaussian-family: σy (= σx when isotropic); sinc: 0. */
  sy: number;
}

/**
 * Every random draw of one degradeSecondOrder call that shapes its output (filled in when passed;
 * the output and the order of draws do not depend on it).
 */
export interface SecondOrderTrace {
  kernel1?: RealKernelDraw;
  kernel2?: RealKernelDraw;
  resize1?: number;
  noise1?: { gaussian: boolean; level: number };
  jpeg1?: number;
  blur2?: boolean;
  resize2?: number;
  noise2?: { gaussian: boolean; level: number };
  jpeg2?: number;
  finalSinc?: boolean;
}

/** One blur kernel of a stage, zero-padded to 21 x 21. */
export function sampleRealKernel(rng: Rng, o: StageOptions, draw?: RealKernelDraw): Kernel {
  const size = choose(rng, KERNEL_SIZES);
  if (rng.next() < o.sincProb) {
    const omega = uniform(rng, size < 13 ? [Math.PI / 3, Math.PI] : [Math.PI / 5, Math.PI]);
    if (draw) Object.assign(draw, { sinc: true, sx: omega, sy: 0 });
    return sincKernel(omega, size, 21);
  }
  const type = choose(rng, KERNEL_TYPES, o.kernelProb);
  const sx = uniform(rng, o.blurSigma);
  const iso = type.endsWith('iso') && !type.endsWith('aniso');
  const sy = iso ? sx : uniform(rng, o.blurSigma);
  const theta = iso ? 0 : uniform(rng, [-Math.PI, Math.PI]);
  if (draw) Object.assign(draw, { sinc: false, sx, sy });
  let k: Kernel;
  if (type === 'iso') k = isotropicGaussianKernel(size, sx);
  else if (type === 'aniso') k = anisotropicGaussianKernel(size, sx, sy, theta);
  else if (type.startsWith('generalized')) k = generalizedGaussianKernel(size, sx, sy, theta, beta(rng, o.betag));
  else k = plateauKernel(size, sx, sy, theta, beta(rng, o.betap));
  return padKernel(k, 21);
}

function randomResizeFactor(rng: Rng, o: StageOptions): number {
  const kind = choose(rng, ['up', 'down', 'keep'] as const, o.resizeProb);
  return kind === 'up' ? uniform(rng, [1, o.resizeRange[1]]) : kind === 'down' ? uniform(rng, [o.resizeRange[0], 1]) : 1;
}

function addRandomNoise(img: FloatImage, rng: Rng, o: StageOptions, record?: (n: { gaussian: boolean; level: number }) => void): FloatImage {
  const gaussian = rng.next() < o.gaussianNoiseProb;
  const level = uniform(rng, gaussian ? o.noiseRange : o.poissonScaleRange);
  record?.({ gaussian, level });
  const gray = rng.next() < o.grayNoiseProb;
  return gaussian ? addGaussianNoiseReal(img, level, gray, rng) : addPoissonNoiseReal(img, level, gray, rng);
}

function jpeg(img: FloatImage, rng: Rng, range: [number, number], record?: (quality: number) => void): FloatImage {
  const quality = Math.round(uniform(rng, range));
  record?.(quality);
  const u8 = quantizeToUint8(img); // clamp to [0, 255] and round: a real codec takes 8-bit samples
  return toFloatImage(decodeImage(encodeImage(u8, 'jpeg', 'second-order degradation', quality), 'second-order degradation (jpeg)'));
}

/**
 * RGB LR of an HR image whose sides are multiples of `o.scale`, reproducible from the Rng's seed.
 * `trace`, when given, receives the draws (SecondOrderTrace); it changes nothing else.
 */
export function degradeSecondOrder(hr: Image, rng: Rng, o: SecondOrderOptions = REALESRGAN_X4_OPTIONS, trace?: SecondOrderTrace): Image {
  if (hr.height % o.scale !== 0 || hr.width % o.scale !== 0) {
    throw new Error(`second-order degradation: HR ${hr.height}x${hr.width} is not a multiple of the scale ${o.scale}; mod-crop it first`);
  }
  const t: SecondOrderTrace = trace ?? {};
  const k1 = sampleRealKernel(rng, o.first, (t.kernel1 = { sinc: false, sx: 0, sy: 0 }));
  const k2 = sampleRealKernel(rng, o.second, (t.kernel2 = { sinc: false, sx: 0, sy: 0 }));
  const finalSinc = rng.next() < o.finalSincProb
    ? sincKernel(uniform(rng, [Math.PI / 3, Math.PI]), choose(rng, KERNEL_SIZES), 21)
    : null; // the released code convolves with a unit pulse: the identity
  t.finalSinc = finalSinc !== null;
  const outH = hr.height / o.scale;
  const outW = hr.width / o.scale;

  // Grey images are read as three equal channels, as Real-ESRGAN's cv2 colour read does (Set14 has two).
  let x = blurReflect(toFloatImage(toRgb(hr)), k1);
  const s1 = (t.resize1 = randomResizeFactor(rng, o.first));
  x = interpolate(x, Math.max(1, Math.floor(x.height * s1)), Math.max(1, Math.floor(x.width * s1)), choose(rng, INTERPOLATION_MODES), s1);
  x = addRandomNoise(x, rng, o.first, (n) => (t.noise1 = n));
  x = jpeg(x, rng, o.first.jpegRange, (q) => (t.jpeg1 = q));

  t.blur2 = rng.next() < o.second.blurProb && Math.min(x.height, x.width) > 10;
  if (t.blur2) x = blurReflect(x, k2);
  const s2 = (t.resize2 = randomResizeFactor(rng, o.second));
  x = interpolate(x, Math.max(1, Math.trunc(outH * s2)), Math.max(1, Math.trunc(outW * s2)), choose(rng, INTERPOLATION_MODES));
  x = addRandomNoise(x, rng, o.second, (n) => (t.noise2 = n));

  const resizeAndSinc = (y: FloatImage) => {
    const r = interpolate(y, outH, outW, choose(rng, INTERPOLATION_MODES));
    return finalSinc && Math.min(outH, outW) > 10 ? blurReflect(r, finalSinc) : r;
  };
  const recordJpeg2 = (q: number) => (t.jpeg2 = q);
  x = rng.next() < 0.5 ? jpeg(resizeAndSinc(x), rng, o.second.jpegRange, recordJpeg2) : resizeAndSinc(jpeg(x, rng, o.second.jpegRange, recordJpeg2));
  return quantizeToUint8(x);
}
