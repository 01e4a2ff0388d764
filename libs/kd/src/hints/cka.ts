// Linear centred kernel alignment (Kornblith et al., "Similarity of Neural
// Network Representations Revisited", ICML 2019): how alike two
// representations of the same batch are, in [0, 1], invariant to rotations and
// isotropic scaling, comparable across widths and resolutions.
//   X, Y: [n, p], [n, q] (flattened activations), centred over the batch
//   CKA = ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F), computed with n x n Gram matrices.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';

function centredGram(x: Tensor): Tensor {
  return tf.tidy(() => {
    const flat = x.reshape([x.shape[0], -1]);
    const c = flat.sub(flat.mean(0, true));
    return c.matMul(c, false, true);
  });
}

export function linearCka(x: Tensor, y: Tensor): number {
  return tf.tidy(() => {
    const k = centredGram(x);
    const l = centredGram(y);
    const hsic = (a: Tensor, b: Tensor) => a.mul(b).sum();
    return hsic(k, l).div(hsic(k, k).sqrt().mul(hsic(l, l).sqrt()).maximum(1e-12)).dataSync()[0];
  });
}
