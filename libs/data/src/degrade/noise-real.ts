// Real-ESRGAN's noise (basicsr degradations.py, *_pt versions), on the 0-255 scale here:
// - Gaussian: σ (0-255 scale) per value, or one draw per pixel shared by the channels ("gray");
// - Poisson (shot) noise: on the image rounded to 8 bits and seen on [0, 1], with
//   vals = 2^ceil(log2(#distinct values)), noise = (Poisson(img · vals) / vals - img) · scale; the
//   gray variant draws it on the BT.601 luma (torchvision weights 0.2989/0.587/0.114) for all channels.
// The result is clipped to [0, 255] and not rounded (clip=True, rounds=False in the released calls).
import type { Rng } from '@kdlab/engine';
import { poisson } from '../poisson';
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

function poissonNoise01(values01: Float64Array, rng: Rng): Float64Array {
  const distinct = new Set<number>();
  for (const v of values01) distinct.add(v);
  const vals = 2 ** Math.ceil(Math.log2(distinct.size));
  const noise = new Float64Array(values01.length);
  for (let i = 0; i < noise.length; i++) noise[i] = poisson(rng, values01[i] * vals) / vals - values01[i];
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
