// Pixel shuffle (sub-pixel convolution, Shi et al. 2016) with PyTorch's channel
// order: input channel k = c*r*r + i*r + j goes to output channel c at offset
// (i, j) of each r x r cell, exactly as torch.nn.PixelShuffle does on NCHW.
//
// Why not tf.depthToSpace: it orders channels as (i*r + j)*C + c (so weights
// ported from PyTorch would be scrambled) and tfjs has no gradient for it.
// Reshape + transpose are differentiable on every backend.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import type { Tensor4D } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from './types';

/** nn.PixelShuffle on NHWC: out[n, h·r + i, w·r + j, c] = in[n, h, w, c·r² + i·r + j]. */
export function pixelShuffle(x: Tensor, r: number): Tensor4D {
  if (x.rank !== 4) throw new Error(`pixelShuffle: expected an NHWC tensor, got shape [${x.shape}]`);
  const [n, h, w, cr2] = x.shape as [number, number, number, number];
  if (cr2 % (r * r) !== 0) throw new Error(`pixelShuffle: ${cr2} channels are not a multiple of r^2 = ${r * r}`);
  const c = cr2 / (r * r);
  // [n, h, w, c, i, j] -> [n, h, i, w, j, c]
  return tf.tidy(() => x.reshape([n, h, w, c, r, r]).transpose([0, 1, 4, 2, 5, 3]).reshape([n, h * r, w * r, c]) as Tensor4D);
}

/** nn.PixelUnshuffle on NHWC, the inverse: out[n, h, w, c·r² + i·r + j] = in[n, h·r + i, w·r + j, c]. */
export function pixelUnshuffle(x: Tensor, r: number): Tensor4D {
  if (x.rank !== 4) throw new Error(`pixelUnshuffle: expected an NHWC tensor, got shape [${x.shape}]`);
  const [n, hr, wr, c] = x.shape as [number, number, number, number];
  if (hr % r !== 0 || wr % r !== 0) throw new Error(`pixelUnshuffle: size ${hr}x${wr} is not a multiple of ${r}`);
  const h = hr / r;
  const w = wr / r;
  return tf.tidy(() => x.reshape([n, h, r, w, r, c]).transpose([0, 1, 3, 5, 2, 4]).reshape([n, h, w, c * r * r]) as Tensor4D);
}

export interface PixelShuffleArgs extends LayerArgs {
  scale: number;
}

export class PixelShuffle extends tf.layers.Layer {
  static className = 'PixelShuffle';
  readonly scale: number;

  constructor(args: PixelShuffleArgs) {
    super(args);
    if (!Number.isInteger(args.scale) || args.scale < 1) throw new Error(`PixelShuffle ${args.name ?? ''}: scale must be a positive integer, got ${args.scale}`);
    this.scale = args.scale;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n, h, w, c] = singleShape(inputShape);
    const r = this.scale;
    if (c === null || c % (r * r) !== 0) throw new Error(`PixelShuffle ${this.name}: channels ${c} are not divisible by scale^2 = ${r * r}`);
    return [n, h === null ? null : h * r, w === null ? null : w * r, c / (r * r)];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return pixelShuffle(single(inputs), this.scale);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(PixelShuffle);
