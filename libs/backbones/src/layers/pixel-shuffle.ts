// Pixel shuffle (sub-pixel convolution, Shi et al. 2016) with PyTorch's channel
// order: input channel k = c*r*r + i*r + j goes to output channel c at offset
// (i, j) of each r x r cell, exactly as torch.nn.PixelShuffle does on NCHW.
//
// Two ways to compute it:
//  - inputOrder 'pytorch' (default): reshape + 6-D transpose + reshape of the
//    activation (`pixelShuffle`), for any input. This is the reference.
//  - inputOrder 'depthToSpace': the input already holds its channels in
//    TensorFlow's DepthToSpace order (i*r + j)*C + c, because the conv that feeds
//    the shuffle permuted its *weights* (DepthToSpaceConv2D, shuffle-conv.ts); the
//    shuffle is then one tf.depthToSpace (~4x faster than the 6-D transpose on the
//    `tensorflow` backend; @kdlab/engine gives it a gradient). Conv + shuffle
//    together compute exactly what conv + 'pytorch' shuffle compute.
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

/** The channel order a PixelShuffle expects (see the top of this file). */
export type ShuffleInputOrder = 'pytorch' | 'depthToSpace';

export interface PixelShuffleArgs extends LayerArgs {
  scale: number;
  /** 'pytorch' (default): channels c*r^2 + i*r + j; 'depthToSpace': (i*r + j)*C + c, from a DepthToSpaceConv2D. */
  inputOrder?: ShuffleInputOrder;
}

export class PixelShuffle extends tf.layers.Layer {
  static className = 'PixelShuffle';
  readonly scale: number;
  readonly inputOrder: ShuffleInputOrder;

  constructor(args: PixelShuffleArgs) {
    super(args);
    if (!Number.isInteger(args.scale) || args.scale < 1) throw new Error(`PixelShuffle ${args.name ?? ''}: scale must be a positive integer, got ${args.scale}`);
    const order = args.inputOrder ?? 'pytorch';
    if (order !== 'pytorch' && order !== 'depthToSpace') throw new Error(`PixelShuffle ${args.name ?? ''}: inputOrder must be 'pytorch' or 'depthToSpace', got ${String(order)}`);
    this.scale = args.scale;
    this.inputOrder = order;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n, h, w, c] = singleShape(inputShape);
    const r = this.scale;
    if (c === null || c % (r * r) !== 0) throw new Error(`PixelShuffle ${this.name}: channels ${c} are not divisible by scale^2 = ${r * r}`);
    return [n, h === null ? null : h * r, w === null ? null : w * r, c / (r * r)];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs);
    if (this.inputOrder === 'pytorch') return pixelShuffle(x, this.scale);
    if (x.rank !== 4) throw new Error(`PixelShuffle ${this.name}: expected an NHWC tensor, got shape [${x.shape}]`);
    return this.scale === 1 ? x.clone() : tf.depthToSpace(x as Tensor4D, this.scale, 'NHWC');
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), scale: this.scale, inputOrder: this.inputOrder };
  }
}

tf.serialization.registerClass(PixelShuffle);
