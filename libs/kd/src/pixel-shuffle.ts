// Sub-pixel rearrangement (Shi et al., CVPR 2016) in PyTorch's channel order, for the
// learned up-samplers of pixel distillation (losses/isrd.ts, losses/fsr.ts):
//   out[n, h*r + i, w*r + j, c] = in[n, h, w, c*r*r + i*r + j]
// (nn.PixelShuffle on NCHW, written for NHWC). TF's depthToSpace groups the channels the
// other way round (channel (i*r + j)*C + c); the order matters only to golden values, since
// a learned convolution precedes it, but keeping PyTorch's lets an independent reference
// written from the paper's code be compared weight for weight.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor2D, Tensor4D } from '@kdlab/engine';

export function pixelShuffle(x: Tensor, r: number): Tensor4D {
  if (x.rank !== 4) throw new Error(`pixelShuffle: expected an NHWC tensor, got shape [${x.shape}]`);
  const [n, h, w, cr2] = x.shape as [number, number, number, number];
  if (cr2 % (r * r) !== 0) throw new Error(`pixelShuffle: ${cr2} channels are not a multiple of r^2 = ${r * r}`);
  const c = cr2 / (r * r);
  return tf.tidy(() => x.reshape([n, h, w, c, r, r]).transpose([0, 1, 4, 2, 5, 3]).reshape([n, h * r, w * r, c]) as Tensor4D);
}

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
