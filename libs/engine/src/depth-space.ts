// Typed entry points for the depth/space rearrangements of kernels/depth-to-space.ts,
// bound to the process-wide tf (depth-to-space itself is tf.depthToSpace, which
// kernels/depth-to-space.ts makes differentiable).
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-node';
import { spaceToDepth as spaceToDepthWith } from './kernels/depth-to-space';
import { tf } from './tf';

/**
 * TensorFlow's SpaceToDepth on NHWC (DCR order), the inverse of tf.depthToSpace:
 * out[n, h, w, (i·r + j)·C + c] = x[n, h·r + i, w·r + j, c]. Differentiable; one
 * TensorFlow op on the `tensorflow` backend, reshape + transpose elsewhere.
 */
export function spaceToDepth(x: Tensor, r: number): Tensor4D {
  return spaceToDepthWith(tf, x, r);
}
