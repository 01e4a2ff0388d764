// Coupled L2 weight decay: adding wd/2 * sum(w^2) to the loss adds wd * w to every
// gradient, which is exactly what PyTorch's SGD/Adam `weight_decay` do (not AdamW).
import { tf } from '@kdlab/engine';
import type { Scalar, Variable } from '@kdlab/engine';

export function withWeightDecay(loss: Scalar, vars: Variable[], weightDecay: number): Scalar {
  if (!weightDecay || vars.length === 0) return loss;
  const l2 = tf.addN(vars.map((v) => tf.sum(tf.square(v))));
  return tf.add(loss, tf.mul(weightDecay / 2, l2));
}
