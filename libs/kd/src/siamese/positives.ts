import type { Tensor } from '@kdlab/engine';
import { tf } from '@kdlab/engine';

/** mean_n sum_{a positive in n} x[n, a] / (P_n + 1e-6): x and labels [N, R, R, K]. */
export function positiveMean(x: Tensor, labels: Tensor): Tensor {
  return tf.tidy(() => {
    const n = labels.shape[0];
    const pos = labels.equal(1).toFloat().reshape([n, -1]);
    return x.reshape([n, -1]).mul(pos).sum(1).div(pos.sum(1).add(1e-6)).mean();
  });
}
