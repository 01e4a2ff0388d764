// Pixel shuffle (sub-pixel convolution, Shi et al. 2016) with PyTorch's channel
// order: input channel k = c*r*r + i*r + j goes to output channel c at offset
// (i, j) of each r x r cell, exactly as torch.nn.PixelShuffle does on NCHW.
//
// Why not tf.depthToSpace: it orders channels as (i*r + j)*C + c (so weights
// ported from PyTorch would be scrambled) and tfjs has no gradient for it.
// Reshape + transpose are differentiable on every backend.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from './types';

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
    return tf.tidy(() => {
      const x = single(inputs);
      const [n, h, w, c] = x.shape;
      const r = this.scale;
      const out = c / (r * r);
      // [n, h, w, out, i, j] -> [n, h, i, w, j, out]
      return x.reshape([n, h, w, out, r, r]).transpose([0, 1, 4, 2, 5, 3]).reshape([n, h * r, w * r, out]);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(PixelShuffle);
