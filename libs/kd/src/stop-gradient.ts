// tfjs has no tf.stopGradient: an identity whose gradient is zero.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';

// customGrad passes (...inputs, save); we only use the first input.
const identityNoGrad = tf.customGrad(((x: Tensor) => ({ value: x.clone(), gradFunc: (dy: Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]);

/** x, treated as a constant by tf.grad / optimizers. */
export function stopGradient<T extends Tensor>(x: T): T {
  return identityNoGrad(x) as T;
}
