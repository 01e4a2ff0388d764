// The meta-gradient of a distillation module's parameters φ (Meta-KD's KRNet): how the student's
// reconstruction loss on a held-out batch changes with φ after one virtual student step on the
// distillation loss,
//   θ'(φ) = θ - α ∇_θ L_kd(θ, φ)            L_meta(φ) = L_rec(θ'(φ))
//   ∇_φ L_meta = -α ∇²_{φθ} L_kd(θ, φ) · g,   g = ∇_θ' L_rec(θ')
// Second order, with the mixed Hessian-vector product taken by central differences of first-order
// gradients (the DARTS approximation, Liu et al., ICLR 2019):
//   ∇²_{φθ} L_kd · g ≈ [∇_φ L_kd(θ + εg, φ) - ∇_φ L_kd(θ - εg, φ)] / 2ε,   ε = eps / ||g||
// Why not exact double backprop: TF.js has no gradient for Conv2DBackpropFilter, so the gradient of a
// conv network's weight gradient cannot be differentiated again; the difference quotient needs only
// first-order gradients and is exact to O(ε²). Why not first-order MAML (dropping the Hessian): here
// φ reaches L_rec only through the virtual step, so the first-order approximation is identically 0.
// The weights θ are assigned in place for the virtual step and restored before returning.
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Variable } from '@kdlab/engine';

export interface MetaGradientParts {
  /** The student's weights (assigned in place during the computation, then restored). */
  theta: Variable[];
  /** The distillation module's weights. */
  phi: Variable[];
  /** The distillation loss on the virtual-step batch; reads theta and phi. */
  kdLoss: () => Scalar;
  /** The reconstruction loss on the held-out batch; reads theta. */
  recLoss: () => Scalar;
  /** Step size of the virtual (plain gradient) student step. */
  alpha: number;
  /** Finite-difference radius in weight space (divided by ||g||). */
  eps: number;
}

function gradsOf(f: () => Scalar, vars: Variable[]): Tensor[] {
  const { value, grads } = tf.variableGrads(f, vars);
  value.dispose();
  return vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
}

/** ∇_φ L_meta and L_rec after the virtual step. Tensors returned are the caller's to dispose. */
export function metaGradient(p: MetaGradientParts): { grads: Tensor[]; recAfter: number } {
  const saved = p.theta.map((v) => v.clone());
  try {
    const gKd = gradsOf(p.kdLoss, p.theta);
    p.theta.forEach((v, i) => tf.tidy(() => v.assign(saved[i].sub(gKd[i].mul(p.alpha)))));
    tf.dispose(gKd);
    const recAfter = tf.tidy(() => p.recLoss().dataSync()[0]);
    const g = gradsOf(p.recLoss, p.theta);
    const norm = Math.sqrt(g.reduce((s, t) => s + tf.tidy(() => t.square().sum().dataSync()[0]), 0));
    if (!(norm > 0)) {
      tf.dispose(g);
      return { grads: p.phi.map((v) => tf.zerosLike(v)), recAfter };
    }
    const eps = p.eps / norm;
    p.theta.forEach((v, i) => tf.tidy(() => v.assign(saved[i].add(g[i].mul(eps)))));
    const plus = gradsOf(p.kdLoss, p.phi);
    p.theta.forEach((v, i) => tf.tidy(() => v.assign(saved[i].sub(g[i].mul(eps)))));
    const minus = gradsOf(p.kdLoss, p.phi);
    tf.dispose(g);
    const grads = plus.map((gp, i) => tf.tidy(() => gp.sub(minus[i]).mul(-p.alpha / (2 * eps))));
    tf.dispose([...plus, ...minus]);
    return { grads, recAfter };
  } finally {
    p.theta.forEach((v, i) => v.assign(saved[i]));
    tf.dispose(saved);
  }
}
