// EDSR/RCAN's upsampler: for scale 2^n, n stages of (conv C -> 4C, pixel
// shuffle x2); for scale 3, one stage of (conv C -> 9C, pixel shuffle x3). No
// activation between stages, as in the PyTorch Upsampler (act=False).
//
// Layer names: 'upsample.conv{k}' and 'upsample.shuffle{k}' for stage k (from
// 0), except the last shuffle, which is named 'upsample' so the upsampler's
// output has one tap name at every scale.
import type { Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { PixelShuffle } from '../../layers';
import { applyLayer, conv2d } from './common';

export function upsamplerStages(scale: number): number[] {
  if (scale === 3) return [3];
  const n = Math.log2(scale);
  if (!Number.isInteger(n) || n < 1) throw new Error(`upsampler: scale must be 3 or a power of 2, got ${scale}`);
  return Array.from({ length: n }, () => 2);
}

export function upsampler(x: SymbolicTensor, scale: number, channels: number, rng: Rng): SymbolicTensor {
  const stages = upsamplerStages(scale);
  stages.forEach((r, k) => {
    x = applyLayer(conv2d(rng, `upsample.conv${k}`, channels, r * r * channels), x);
    x = applyLayer(new PixelShuffle({ name: k === stages.length - 1 ? 'upsample' : `upsample.shuffle${k}`, scale: r }), x);
  });
  return x;
}
