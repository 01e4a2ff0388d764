// Adam that updates all variables with one set of element-wise ops instead of one set per variable.
//
// Why: tfjs' Adam runs 14 ops per variable per step and uploads 8 JS numbers as scalar tensors for
// each; with tfjs-node every op is a call into TensorFlow. Measured per step (2 threads): EDSR-baseline,
// 74 variables, ~45 ms; edsr-tiny-student, 26 variables, ~10 ms of a ~92 ms step. Here the gradients,
// both moments and the values are each concatenated into one vector, the update runs once on those,
// and the results are split back.
//
// Same numbers: each element goes through exactly tfjs' operations (same float32 constants, same
// order: m' = m·β1 + g·(1-β1), v' = v·β2 + g²·(1-β2), w' = (m'/(1-β1ᵗ)) / (sqrt(v'/(1-β2ᵗ)) + ε) · -lr + w),
// and element-wise IEEE operations do not depend on where an element sits, so the weights and moments
// are bitwise those of tf.train.adam (tested). The state is tfjs' own (slots `<variable>/m` and
// `<variable>/v` in the same order, accBeta1/2, iterations), so getWeights/setWeights and every
// checkpoint written before are unchanged. Non-float32 variables take tfjs' per-variable path.
import type { Tensor, Variable } from '@tensorflow/tfjs-node';
import { tf } from '../tf';

type Gradients = Parameters<InstanceType<typeof tf.AdamOptimizer>['applyGradients']>[0];

interface Slot { originalName: string; variable: Variable }

/** tfjs' AdamOptimizer fields this class reads (private in its typings; the test pins them). */
interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  incrementIterations(): void;
}

export class FlatAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const s = this as unknown as AdamFields;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const values = names.map((name) => tf.engine().registeredVariables[name]);
    if (values.some((v) => v.dtype !== 'float32')) return super.applyGradients(variableGradients);
    // Slots exactly as tfjs creates them (names, order, zeros), on first use.
    values.forEach((value, i) => {
      s.accumulatedFirstMoment[i] ??= { originalName: `${names[i]}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      s.accumulatedSecondMoment[i] ??= { originalName: `${names[i]}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    });
    tf.tidy(() => {
      const grads = names.map((name, i) => (Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name]));
      const live = names.map((_, i) => i).filter((i) => grads[i] != null);
      if (live.length > 0) {
        const flat = (ts: Tensor[]) => tf.concat(ts.map((t) => t.reshape([-1])));
        const g = flat(live.map((i) => grads[i]));
        const m = flat(live.map((i) => s.accumulatedFirstMoment[i].variable));
        const v = flat(live.map((i) => s.accumulatedSecondMoment[i].variable));
        const w = flat(live.map((i) => values[i]));
        const newM = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
        const newV = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
        const mHat = tf.div(newM, tf.sub(1, s.accBeta1));
        const vHat = tf.div(newV, tf.sub(1, s.accBeta2));
        const newW = tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), s.epsilon)), -s.learningRate), w);
        const sizes = live.map((i) => values[i].size);
        const [ms, vs, ws] = [newM, newV, newW].map((t) => tf.split(t, sizes));
        live.forEach((i, k) => {
          const shape = values[i].shape;
          s.accumulatedFirstMoment[i].variable.assign(ms[k].reshape(shape));
          s.accumulatedSecondMoment[i].variable.assign(vs[k].reshape(shape));
          values[i].assign(ws[k].reshape(shape));
        });
      }
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  }
}

/** Drop-in for tf.train.adam (same arguments and defaults). */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FlatAdamOptimizer {
  return new FlatAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
