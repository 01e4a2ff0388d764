// EDSR/RCAN's upsampler: for scale 2^n, n stages of (conv C -> 4C, pixel
// shuffle x2); for scale 3, one stage of (conv C -> 9C, pixel shuffle x3). No
// activation between stages, as in the PyTorch Upsampler (act=False).
//
// Layer names: 'upsample.conv{k}' and 'upsample.shuffle{k}' for stage k (from
// 0), except the last shuffle, which is named 'upsample' so the upsampler's
// output has one tap name at every scale.
//
// Each stage's conv is a DepthToSpaceConv2D: the same weights (PyTorch channel
// order, same names, shapes and seeded initial values as a Conv2D) applied with
// their output channels permuted, so the shuffle is one tf.depthToSpace instead
// of a 6-D transpose (layers/shuffle-conv.ts). The upsampler's output is
// unchanged; the tap 'upsample.conv{k}' holds its channels in DepthToSpace order
// ((i*r + j)*C + c), not PyTorch's. KDLAB_DEPTH_TO_SPACE=0 at build time gives
// the plain Conv2D + transpose shuffle (same output, same weights; for timing).
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { DepthToSpaceConv2D, PixelShuffle, depthToSpaceEnabled } from '../../layers';
import { applyLayer, conv2dArgs, type ConvArgs } from './common';

/**
 * A conv (named by convArgs, weights in PyTorch order) feeding a pixel shuffle of scale r named
 * `shuffleName`: DepthToSpaceConv2D + PixelShuffle('depthToSpace'), or with KDLAB_DEPTH_TO_SPACE=0
 * Conv2D + PixelShuffle('pytorch'). Same weights and output either way.
 */
export function convAndShuffle(x: SymbolicTensor, convArgs: ConvArgs, r: number, shuffleName: string): SymbolicTensor {
  const depthToSpace = depthToSpaceEnabled();
  const conv = depthToSpace ? new DepthToSpaceConv2D({ ...convArgs, shuffleScale: r }) : tf.layers.conv2d(convArgs);
  const shuffle = new PixelShuffle({ name: shuffleName, scale: r, inputOrder: depthToSpace ? 'depthToSpace' : 'pytorch' });
  return applyLayer(shuffle, applyLayer(conv, x));
}

export function upsamplerStages(scale: number): number[] {
  if (scale === 3) return [3];
  const n = Math.log2(scale);
  if (!Number.isInteger(n) || n < 1) throw new Error(`upsampler: scale must be 3 or a power of 2, got ${scale}`);
  return Array.from({ length: n }, () => 2);
}

export function upsampler(x: SymbolicTensor, scale: number, channels: number, rng: Rng): SymbolicTensor {
  const stages = upsamplerStages(scale);
  stages.forEach((r, k) => {
    const args = conv2dArgs(rng, `upsample.conv${k}`, channels, r * r * channels);
    x = convAndShuffle(x, args, r, k === stages.length - 1 ? 'upsample' : `upsample.shuffle${k}`);
  });
  return x;
}
