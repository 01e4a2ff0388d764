import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-node';
import { tf } from '../tf';
import { FlatAdamOptimizer, adam } from './flat-adam';

/** A few variables of different shapes and a loss that reaches all of them. */
function problem(seed: number) {
  const vars = [
    tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', seed)),
    tf.variable(tf.randomNormal([4], 0, 1, 'float32', seed + 1)),
    tf.variable(tf.randomNormal([4, 5], 0, 1, 'float32', seed + 2)),
  ];
  const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 99);
  const loss = () => {
    const h = tf.relu(tf.add(tf.conv2d(x as never, vars[0] as never, 1, 'same'), vars[1]));
    return tf.sum(tf.square(tf.matMul(tf.mean(h, [1, 2]), vars[2]))) as Scalar;
  };
  return { vars, loss };
}

const bits = (t: Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

describe('FlatAdamOptimizer', () => {
  it('matches tf.train.adam bitwise through a learning-rate change', () => {
    const a = problem(1);
    const b = problem(1);
    const ref = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const flat = adam(0.01, 0.9, 0.999, 1e-7);
    for (let step = 0; step < 6; step++) {
      for (const o of [ref, flat]) if (step === 3) (o as unknown as { learningRate: number }).learningRate = 0.003;
      ref.minimize(a.loss, false, a.vars);
      flat.minimize(b.loss, false, b.vars);
    }
    a.vars.forEach((v, i) => expect(bits(b.vars[i])).toEqual(bits(v)));
    expect(bits(b.vars[0])).not.toEqual(bits(problem(1).vars[0])); // it trained
  });

  it('is bitwise tf.train.adam step for step on every variable and slot', async () => {
    const a = problem(2);
    const b = problem(2);
    const ref = tf.train.adam(0.02);
    const flat = adam(0.02);
    for (let step = 0; step < 5; step++) {
      ref.minimize(a.loss, false, a.vars as Variable[]);
      flat.minimize(b.loss, false, b.vars as Variable[]);
    }
    a.vars.forEach((v, i) => expect(bits(b.vars[i])).toEqual(bits(v)));
    const refW = await ref.getWeights();
    const flatW = await flat.getWeights();
    // Slot names are '<variable name>/m|v'; the variables differ (a vs b), the pattern must not.
    const pattern = (ws: { name: string }[], vs: Variable[]) => ws.map((w) => vs.reduce((n, v, i) => n.replace(v.name, `var${i}`), w.name));
    expect(pattern(flatW, b.vars)).toEqual(pattern(refW, a.vars));
    refW.forEach((w, i) => expect(bits(flatW[i].tensor)).toEqual(bits(w.tensor)));
    expect(flat).toBeInstanceOf(tf.AdamOptimizer);
  });

  it('resumes from tfjs Adam state (setWeights) and continues bitwise like it', async () => {
    const a = problem(3);
    const b = problem(3);
    const ref = tf.train.adam(0.01);
    for (let step = 0; step < 3; step++) ref.minimize(a.loss, false, a.vars as Variable[]);
    b.vars.forEach((v, i) => v.assign(a.vars[i]));
    const flat = new FlatAdamOptimizer(0.01, 0.9, 0.999);
    await flat.setWeights(await ref.getWeights());
    // setWeights recomputes the beta powers as pow(beta, t); give the reference the same.
    await ref.setWeights(await ref.getWeights());
    for (let step = 0; step < 3; step++) {
      ref.minimize(a.loss, false, a.vars as Variable[]);
      flat.minimize(b.loss, false, b.vars as Variable[]);
    }
    a.vars.forEach((v, i) => expect(bits(b.vars[i])).toEqual(bits(v)));
  });

  it('leaves no tensors behind after the first step', () => {
    const { vars, loss } = problem(4);
    const flat = adam(0.01);
    flat.minimize(loss, false, vars as Variable[]);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) flat.minimize(loss, false, vars as Variable[]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
