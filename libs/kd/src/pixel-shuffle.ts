// The pieces of pixel distillation's learned up-samplers (losses/isrd.ts, losses/fsr.ts) around
// the sub-pixel rearrangement, which is @kdlab/backbones' pixelShuffle (PyTorch's channel order, so
// an independent reference written from the released code compares weight for weight).
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor2D } from '@kdlab/engine';
// shuffledConv computes pixelShuffle(conv) as tf.depthToSpace after permuting the conv's weights (same values).
export { pixelShuffle, shuffledConv } from '@kdlab/backbones';

/** A 1x1 convolution without bias on the last axis: [..., in] x [in, out]. */
export function conv1x1(x: Tensor, w: Tensor): Tensor {
  return tf.tidy(() => x.reshape([-1, x.shape[x.rank - 1]!]).matMul(w as Tensor2D).reshape([...x.shape.slice(0, -1), w.shape[1]!]));
}

/** PReLU with one slope per channel (last axis): max(0, x) + a * min(0, x). */
export function prelu(x: Tensor, alpha: Tensor): Tensor {
  return tf.tidy(() => x.relu().add(x.neg().relu().neg().mul(alpha)));
}

/** U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default Conv2d init for a 1x1 kernel (kaiming_uniform, a = sqrt(5)). */
export function torchConvInit(inC: number, outC: number, seed: number): Tensor {
  const bound = 1 / Math.sqrt(inC);
  return tf.randomUniform([inC, outC], -bound, bound, 'float32', seed);
}
