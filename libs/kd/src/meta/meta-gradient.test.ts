// The meta-gradient (virtual student step, reconstruction on held-out data, gradient w.r.t. the
// distillation module) against central finite differences of the meta-objective itself, on tiny
// models: a generic smooth one, and Meta-KD's KRNet with a two-conv student.
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D, Variable } from '@kdlab/engine';
import { createLoss } from '../loss';
import type { MetaKdLoss } from '../losses/meta-kd';
import type { Taps } from '../taps';
import { metaGradient } from './meta-gradient';

/** L_meta(φ) = L_rec(θ - α ∇_θ L_kd(θ, φ)), evaluated with θ restored afterwards. */
function metaObjective(theta: Variable[], kdLoss: () => Scalar, recLoss: () => Scalar, alpha: number): number {
  const saved = theta.map((v) => v.clone());
  const { value, grads } = tf.variableGrads(kdLoss, theta);
  value.dispose();
  theta.forEach((v, i) => tf.tidy(() => v.assign(saved[i].sub((grads[v.name] ?? tf.zerosLike(v)).mul(alpha)))));
  const out = tf.tidy(() => recLoss().dataSync()[0]);
  theta.forEach((v, i) => v.assign(saved[i]));
  tf.dispose([...saved, ...Object.values(grads)]);
  return out;
}

/** Central differences of the meta-objective for the listed entries of phi. */
function finiteDifferences(phi: Variable[], entries: [number, number][], objective: () => number, h: number): number[] {
  return entries.map(([w, k]) => {
    const orig = phi[w].dataSync().slice();
    const at = (delta: number) => {
      const vals = orig.slice();
      vals[k] += delta;
      phi[w].assign(tf.tensor(vals, phi[w].shape));
      return objective();
    };
    const d = (at(h) - at(-h)) / (2 * h);
    phi[w].assign(tf.tensor(orig, phi[w].shape));
    return d;
  });
}

function expectClose(got: number[], want: number[], rel: number): void {
  const scale = Math.max(...want.map(Math.abs));
  expect(scale).toBeGreaterThan(1e-6);
  const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]))) / scale;
  if (!(worst <= rel)) throw new Error(`meta-gradient vs finite differences: worst error ${worst.toExponential(2)} of the largest entry (allowed ${rel})\n got  ${got.map((v) => v.toExponential(3)).join(' ')}\n want ${want.map((v) => v.toExponential(3)).join(' ')}`);
}

describe('meta-gradient', () => {
  it('equals finite differences of the meta-objective on a tiny smooth model', () => {
    const x = tf.randomNormal([6, 3], 0, 1, 'float32', 1);
    const xB = tf.randomNormal([6, 3], 0, 1, 'float32', 2);
    const yB = tf.randomNormal([6, 2], 0, 1, 'float32', 3);
    const t = tf.randomNormal([6, 4], 0, 1, 'float32', 4);
    const w1 = tf.variable(tf.randomNormal([3, 4], 0, 0.5, 'float32', 5));
    const w2 = tf.variable(tf.randomNormal([4, 2], 0, 0.5, 'float32', 6));
    const p = tf.variable(tf.randomNormal([4, 4], 0, 0.5, 'float32', 7));
    const kdLoss = () => tf.tanh(x.matMul(w1)).matMul(p).sub(t).square().mean() as Scalar;
    const recLoss = () => tf.tanh(xB.matMul(w1)).matMul(w2).sub(yB).square().mean() as Scalar;
    const alpha = 0.5;
    const { grads } = metaGradient({ theta: [w1, w2], phi: [p], kdLoss, recLoss, alpha, eps: 1e-2 });
    const got = Array.from(grads[0].dataSync());
    const entries: [number, number][] = Array.from({ length: 16 }, (_, k) => [0, k]);
    const want = finiteDifferences([p], entries, () => metaObjective([w1, w2], kdLoss, recLoss, alpha), 1e-2);
    expectClose(got, want, 5e-3);
    // θ is restored
    expect(Number.isFinite(w1.dataSync()[0])).toBe(true);
  });

  it("Meta-KD's KRNet: metaStep equals finite differences of the meta-objective (two-conv student, teacher features fixed)", () => {
    const loss = createLoss({ kind: 'meta-kd', width: 4, distance: 'l2' }) as MetaKdLoss;
    loss.build({ student: 4, teacher: 5 }, 3);
    // Wake the kernel predictor (it starts at 0) so every KRNet weight matters.
    loss.weights[6].assign(tf.randomNormal(loss.weights[6].shape, 0, 0.5, 'float32', 8));
    const k1 = tf.variable(tf.randomNormal([3, 3, 3, 4], 0, 0.3, 'float32', 9));
    const k2 = tf.variable(tf.randomNormal([3, 3, 4, 3], 0, 0.3, 'float32', 10));
    const forward = (x: Tensor): Taps => {
      const feat = tf.tanh(tf.conv2d(x as Tensor4D, k1 as unknown as Tensor4D, 1, 'same'));
      return { output: tf.conv2d(feat as Tensor4D, k2 as unknown as Tensor4D, 1, 'same'), features: { feat } };
    };
    const input = tf.randomUniform([4, 6, 6, 3], 0, 1, 'float32', 11);
    const target = tf.randomUniform([4, 6, 6, 3], 0, 1, 'float32', 12);
    const teacherFeat = tf.randomNormal([4, 6, 6, 5], 0, 1, 'float32', 13);
    const teacher: Taps = { output: target, features: { feat: teacherFeat } };
    const pick = (s: Taps, t: Taps | null): [Tensor, Tensor] => [s.features.feat, t!.features.feat];
    const lr = 0.5;
    const { grads, value } = loss.auxiliary.metaGradients!({ weights: [k1, k2], forward, input, target, teacher, pick, lr });
    expect(grads.length).toBe(loss.weights.length);
    expect(Number.isFinite(value)).toBe(true);

    const half = (t: Tensor, from: number) => t.slice([from, 0, 0, 0], [2, -1, -1, -1]);
    const kdLoss = () => loss.compute(forward(half(input, 0)).features.feat, half(teacherFeat, 0));
    // distance l2: the objective is smooth, so finite differences are well defined (L1's kinks are not).
    const recLoss = () => forward(half(input, 2)).output.sub(half(target, 2)).square().mean() as Scalar;
    // A few entries of every KRNet weight (W_t, b_t, W_s, b_s, W_k, b_k, W_d, b_d).
    const entries: [number, number][] = loss.weights.flatMap((w, i) => [0, 1, 2].filter((k) => k < w.size).map((k) => [i, k] as [number, number]));
    const want = finiteDifferences(loss.weights, entries, () => metaObjective([k1, k2], kdLoss, recLoss, lr), 1e-2);
    const got = entries.map(([i, k]) => grads[i].dataSync()[k]);
    expectClose(got, want, 5e-3);
  });

  it('a batch of one image is a clear error (the meta step needs two halves)', () => {
    const loss = createLoss({ kind: 'meta-kd' }) as MetaKdLoss;
    loss.build({ student: 2, teacher: 2 }, 0);
    const one = tf.zeros([1, 4, 4, 3]);
    expect(() => loss.auxiliary.metaGradients!({ weights: [], forward: () => ({ output: one, features: {} }), input: one, target: one, teacher: null, pick: () => [one, one], lr: 0.1 })).toThrow(/meta-kd.*at least 2 images/);
  });
});
