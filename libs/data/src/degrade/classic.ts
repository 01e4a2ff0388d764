// The classic blind-SR degradation y = (x ⊗ k)↓s + n of DASR/KDSR: Gaussian blur (reflect
// padding) -> bicubic downsampling -> Gaussian noise -> rounding to 8 bits, all in floating point
// until the rounding. Without a blur the LR is the MATLAB uint8 bicubic used for SISR (the
// bicubic-only convention of `kdlab degrade`), to which noise is then added before re-rounding.
// JPEG (not part of the KDSR classic setting) is applied last, through libjpeg-turbo (TF's codec).
import type { Rng } from '@kdlab/engine';
import { decodeImage, encodeImage } from '../codec';
import type { Image } from '../image';
import { imresizeBicubic } from '../imresize';
import { blurReflect } from './blur';
import { quantizeToUint8, toFloatImage } from './float-image';
import { anisotropicGaussianKernel, checkKernelSize, isotropicGaussianKernel, type Kernel } from './kernels';
import { addGaussianNoise } from './noise';
import { imresizeBicubicFloat } from './resize-float';

/**
 * Version of the classic degradation pipeline; part of every cache key built on its output.
 * Bump it when the output of degradeClassic changes.
 */
export const DEGRADE_VERSION = 'classic-v2'; // v2: separable isotropic blur (same sums, another order)

export type BlurSpec =
  | { type: 'iso'; sigma: number }
  /** λ1, λ2: standard deviations along the principal axes; θ in degrees, as in the released test scripts. */
  | { type: 'aniso'; lambda1: number; lambda2: number; thetaDeg: number };

export interface ClassicDegradation {
  scale: number;
  blur?: BlurSpec;
  /** Odd; 21 in DASR/KDSR. */
  kernelSize: number;
  /** Standard deviation on the 0-255 scale; 0 = none. */
  noise: number;
  /** JPEG quality 1-100 applied after rounding; absent = none. */
  jpeg?: number;
}

export const BLUR_TYPES = ['iso', 'aniso'] as const;

/** Throws on the first invalid field, naming it and its value. */
export function checkClassicDegradation(d: ClassicDegradation): void {
  if (!Number.isInteger(d.scale) || d.scale < 1) throw new Error(`scale must be a positive integer, got ${d.scale}`);
  checkKernelSize(d.kernelSize);
  if (!(d.noise >= 0) || !Number.isFinite(d.noise)) throw new Error(`noise must be a number >= 0, got ${d.noise}`);
  if (d.jpeg !== undefined && (!Number.isInteger(d.jpeg) || d.jpeg < 1 || d.jpeg > 100)) {
    throw new Error(`jpeg quality must be an integer in [1, 100], got ${d.jpeg}`);
  }
  if (d.blur && !(BLUR_TYPES as readonly string[]).includes(d.blur.type)) {
    throw new Error(`blur type must be one of ${BLUR_TYPES.join(', ')}, got ${JSON.stringify((d.blur as { type: unknown }).type)}`);
  }
  if (d.blur) blurKernel(d.blur, d.kernelSize); // validates sigma / lambdas / theta
}

export function blurKernel(blur: BlurSpec, size: number): Kernel {
  return blur.type === 'iso'
    ? isotropicGaussianKernel(size, blur.sigma)
    : anisotropicGaussianKernel(size, blur.lambda1, blur.lambda2, (blur.thetaDeg / 180) * Math.PI);
}

function jpegRoundTrip(img: Image, quality: number): Image {
  return decodeImage(encodeImage(img, 'jpeg', 'degrade', quality), 'degrade (jpeg)');
}

/** Degrades an HR image whose sides are multiples of the scale (mod-crop it first). */
export function degradeClassic(hr: Image, d: ClassicDegradation, rng?: Rng): Image {
  checkClassicDegradation(d);
  if (hr.height % d.scale !== 0 || hr.width % d.scale !== 0) {
    throw new Error(`degrade: HR ${hr.height}x${hr.width} is not a multiple of the scale ${d.scale}; mod-crop it first`);
  }
  if (d.noise > 0 && !rng) throw new Error('degrade: noise > 0 needs a seeded Rng');
  let lr: Image;
  if (d.blur) {
    const lrFloat = imresizeBicubicFloat(blurReflect(toFloatImage(hr), blurKernel(d.blur, d.kernelSize)), 1 / d.scale);
    lr = quantizeToUint8(d.noise > 0 ? addGaussianNoise(lrFloat, d.noise, rng!) : lrFloat);
  } else {
    lr = imresizeBicubic(hr, 1 / d.scale);
    if (d.noise > 0) lr = quantizeToUint8(addGaussianNoise(toFloatImage(lr), d.noise, rng!));
  }
  return d.jpeg === undefined ? lr : jpegRoundTrip(lr, d.jpeg);
}
