// A faster `Step` kernel for the `tensorflow` backend.
//
// Why: tfjs computes the ReLU gradient of every fused conv as dy * step(y).
// tfjs-node's Step kernel builds two full-size constant tensors (ones, fill)
// and runs six TensorFlow ops per call; in an EDSR-baseline training step that
// was ~250 ms of ~2.9 s (profiled with tf.profile). For alpha = 0 (the ReLU
// case) the same result needs no constants: select(isnan(x), x, cast(x > 0)).
// Other alphas keep tfjs-node's kernel. Semantics are unchanged: 1 where
// x > 0 (incl. +inf), alpha where x <= 0 (incl. -inf), NaN where x is NaN.
// (The plain ReLU's gradient no longer comes here: relu-grad.ts; Step remains
// for other users of tf.step.)
import type { Tensor } from '@tensorflow/tfjs-node';
import type { Tf } from '../backend';
import { overrideTensorflowKernel } from './node-op';

export function installFastStep(tf: Tf): void {
  overrideTensorflowKernel(tf, 'Step', 'Step (alpha 0) without constant tensors', ({ inputs, attrs }) => {
    const alpha = (attrs as { alpha?: number } | undefined)?.alpha ?? 0;
    if (alpha !== 0) return null;
    const x = (inputs as { x: Tensor }).x;
    return tf.tidy(() => tf.where(tf.isNaN(x), x, tf.cast(tf.greater(x, 0), x.dtype)));
  });
}
