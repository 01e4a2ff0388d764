// The conv that feeds a pixel shuffle, with its output channels in TensorFlow's
// DepthToSpace order, so that the shuffle after it is one tf.depthToSpace instead
// of a 6-D transpose of the activation (pixel-shuffle.ts explains the orders).
//
// Why permute the weights: the shuffle needs channel (i*r + j)*C + c where
// PyTorch's weights produce c*r^2 + i*r + j. Permuting the activation (gather or
// an inner transpose) costs as much as the 6-D transpose it replaces; permuting
// the kernel's output axis and the bias (a few hundred KB, once per call) costs
// nothing, and a conv's output channels are independent, so the permuted conv
// computes the same numbers in another channel order.
//
// Stored weights are unchanged: '<layer>/kernel' [kh, kw, C_in, C*r^2] and
// '<layer>/bias' [C*r^2] keep PyTorch's channel order, the same initializers run
// in the same order as tf.layers.conv2d's (this class *is* tfjs' Conv2D with
// another `call`), so checkpoints, cached teachers, ported PyTorch weights and
// seeded initialisation all carry over. What changes: this layer's *output*
// (its tap, e.g. 'upsample.conv0') holds channels in DepthToSpace order; only
// the PixelShuffle({ inputOrder: 'depthToSpace' }) after it should read it.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { pixelShuffle } from './pixel-shuffle';
import { Conv2DBase, type ConvArgs } from './tfjs-conv';
import { single, type ConfigDict, type Shape } from './types';

/**
 * The last axis of `w` (length C*r^2, PyTorch order c*r^2 + s, s = i*r + j) reordered to
 * DepthToSpace order s*C + c. For a conv kernel [kh, kw, C_in, C*r^2] or a bias [C*r^2].
 */
export function toDepthToSpaceOrder(w: Tensor, r: number): Tensor {
  const last = w.shape[w.rank - 1];
  const r2 = r * r;
  if (last % r2 !== 0) throw new Error(`toDepthToSpaceOrder: last axis ${last} of [${w.shape}] is not a multiple of r^2 = ${r2}`);
  if (r === 1) return w.clone();
  const lead = w.shape.slice(0, -1);
  const perm = [...lead.map((_, i) => i), lead.length + 1, lead.length];
  return tf.tidy(() => w.reshape([...lead, last / r2, r2]).transpose(perm).reshape(w.shape));
}

/** Whether models and functional shuffles use the DepthToSpace path (KDLAB_DEPTH_TO_SPACE=0 turns it off, for timing). */
export function depthToSpaceEnabled(): boolean {
  return process.env.KDLAB_DEPTH_TO_SPACE !== '0';
}

/**
 * pixelShuffle(conv(...weights), r) for a functional conv whose weights all end in its output-channel
 * axis (kernel [..., C*r^2], bias [..., C*r^2], PyTorch order): computed as
 * tf.depthToSpace(conv(...weights permuted to DepthToSpace order), r). Same values, and gradients
 * flow to the unpermuted weights.
 */
export function shuffledConv(conv: (...weights: Tensor[]) => Tensor, weights: Tensor[], r: number): Tensor4D {
  return tf.tidy(() => {
    if (r === 1 || !depthToSpaceEnabled()) return pixelShuffle(conv(...weights), r);
    return tf.depthToSpace(conv(...weights.map((w) => toDepthToSpaceOrder(w, r))) as Tensor4D, r, 'NHWC');
  });
}

export interface DepthToSpaceConv2DArgs extends ConvArgs {
  /** The block size r of the pixel shuffle this conv feeds; filters must be a multiple of r^2. */
  shuffleScale: number;
}

/**
 * tfjs' Conv2D (same weights, names, initializers, build order, config) whose output
 * channels come out in DepthToSpace order for a pixel shuffle of scale `shuffleScale`.
 * NHWC and no activation (what an upsampler's conv is).
 */
export class DepthToSpaceConv2D extends Conv2DBase {
  static className = 'DepthToSpaceConv2D';
  readonly shuffleScale: number;

  constructor(args: DepthToSpaceConv2DArgs) {
    super(args);
    const r = args.shuffleScale;
    const where = `DepthToSpaceConv2D ${args.name ?? ''}`;
    if (!Number.isInteger(r) || r < 1) throw new Error(`${where}: shuffleScale must be a positive integer, got ${r}`);
    if (args.filters % (r * r) !== 0) throw new Error(`${where}: filters ${args.filters} are not a multiple of shuffleScale^2 = ${r * r}`);
    if (args.activation !== undefined && args.activation !== 'linear') throw new Error(`${where}: activation must be linear (none), got ${args.activation}`);
    if ((args.dataFormat ?? 'channelsLast') !== 'channelsLast') throw new Error(`${where}: only channelsLast is supported, got ${args.dataFormat}`);
    this.shuffleScale = r;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const r = this.shuffleScale;
      const x = single(inputs) as Tensor4D;
      if (x.rank !== 4) throw new Error(`DepthToSpaceConv2D ${this.name}: expected an NHWC tensor, got shape [${x.shape}]`);
      const kernel = toDepthToSpaceOrder(this.kernel.read(), r) as Tensor4D;
      const bias = this.bias ? toDepthToSpaceOrder(this.bias.read(), r) : undefined;
      // What tfjs' Conv2D runs for a linear activation (conv2dWithBiasActivation), with the permuted weights.
      return tf.fused.conv2d({
        x,
        filter: kernel,
        strides: this.strides as [number, number],
        pad: this.padding === 'same' ? 'same' : 'valid',
        dilations: this.dilationRate as [number, number],
        dataFormat: 'NHWC',
        bias,
        activation: 'linear',
      });
    });
  }

  /** Multiply-accumulates (count.ts convention, as for Conv2D): out_h * out_w * kh * kw * C_in * C_out. */
  macs(inputs: Shape[], output: Shape): number {
    const [kh, kw] = this.kernelSize;
    return (output[1] ?? 1) * (output[2] ?? 1) * kh * kw * (inputs[0][3] ?? 0) * this.filters;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), shuffleScale: this.shuffleScale };
  }
}

tf.serialization.registerClass(DepthToSpaceConv2D);
