// Real-ESRGAN's noise (basicsr degradations.py, *_pt versions), on the 0-255 scale here:
// - Gaussian: σ (0-255 scale) per value, or one draw per pixel shared by the channels ("gray");
// - Poisson (shot) noise: on the image rounded to 8 bits and seen on [0, 1], with
//   vals = 2^ceil(log2(#distinct values)), noise = (Poisson(img · vals) / vals - img) · scale; the
//   gray variant draws it on the BT.601 luma (torchvision weights 0.2989/0.587/0.114) for all channels.
// The result is clipped to [0, 255] and not rounded (clip=True, rounds=False in the released calls).
import type { Rng } from '@kdlab/engine';
import type { FloatImage } from './float-image';

function clip(data: Float64Array): Float64Array {
  for (let i = 0; i < data.length; i++) data[i] = data[i] < 0 ? 0 : data[i] > 255 ? 255 : data[i];
  return data;
}

export function addGaussianNoiseReal(img: FloatImage, sigma: number, gray: boolean, rng: Rng): FloatImage {
  const data = Float64Array.from(img.data);
  const ch = img.channels;
  for (let p = 0; p < img.height * img.width; p++) {
    const shared = gray ? sigma * rng.normal() : 0;
    for (let k = 0; k < ch; k++) data[p * ch + k] += gray ? shared : sigma * rng.normal();
  }
  return { ...img, data: clip(data) };
}

const LOG_FACTORIAL_SMALL = (() => {
  const t = new Float64Array(10);
  for (let k = 1; k < 10; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
})();

function logFactorial(k: number): number {
  if (k < 10) return LOG_FACTORIAL_SMALL[k];
  // Stirling series; error < 1e-10 for k ≥ 10.
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k ** 3);
}

/**
 * One Poisson(λ) draw: Knuth's product method below λ = 10, Hörmann's PTRS (transformed
 * rejection with squeeze, 1993) above; exact in distribution for every λ ≥ 0.
 */
export function poissonSample(lambda: number, rng: Rng): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

function poissonNoise01(values01: Float64Array, rng: Rng): Float64Array {
  const distinct = new Set<number>();
  for (const v of values01) distinct.add(v);
  const vals = 2 ** Math.ceil(Math.log2(distinct.size));
  const noise = new Float64Array(values01.length);
  for (let i = 0; i < noise.length; i++) noise[i] = poissonSample(values01[i] * vals, rng) / vals - values01[i];
  return noise;
}

const round255 = (v: number) => Math.round(v < 0 ? 0 : v > 255 ? 255 : v) / 255;

export function addPoissonNoiseReal(img: FloatImage, scale: number, gray: boolean, rng: Rng): FloatImage {
  const ch = img.channels;
  const n = img.height * img.width;
  const data = Float64Array.from(img.data);
  if (gray && ch === 3) {
    const luma = new Float64Array(n);
    for (let p = 0; p < n; p++) luma[p] = round255(0.2989 * img.data[3 * p] + 0.587 * img.data[3 * p + 1] + 0.114 * img.data[3 * p + 2]);
    const noise = poissonNoise01(luma, rng);
    for (let p = 0; p < n; p++) for (let k = 0; k < 3; k++) data[3 * p + k] += 255 * scale * noise[p];
  } else {
    const noise = poissonNoise01(img.data.map(round255), rng);
    for (let i = 0; i < data.length; i++) data[i] += 255 * scale * noise[i];
  }
  return { ...img, data: clip(data) };
}
