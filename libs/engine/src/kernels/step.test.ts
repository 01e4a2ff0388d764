import { tf } from '../tf';
import { installFastStep } from './step';

describe('fast Step kernel (tensorflow backend)', () => {
  const x = () => tf.tensor1d([-2, -0, 0, 1e-30, 3, Infinity, -Infinity, NaN]);

  it('keeps tfjs semantics for alpha = 0: 1 above zero (incl. +inf), 0 at or below, NaN for NaN', () => {
    const got = Array.from(tf.step(x()).dataSync());
    expect(got.slice(0, 7)).toEqual([0, 0, 0, 1, 1, 1, 0]);
    expect(Number.isNaN(got[7])).toBe(true);
  });

  it('delegates other alphas to the original kernel', () => {
    const got = Array.from(tf.step(x(), 0.25).dataSync());
    expect(got.slice(0, 7)).toEqual([0.25, 0.25, 0.25, 1, 1, 1, 0.25]);
    expect(Number.isNaN(got[7])).toBe(true);
  });

  it('gives the same ReLU gradients as before and installs only once', () => {
    installFastStep(tf); // a second install must not wrap itself
    const v = tf.tensor2d([[-1, 0.5], [2, -3]]);
    const g = tf.grad((a: import('@tensorflow/tfjs-node').Tensor) => tf.relu(a).mul(tf.tensor2d([[1, 2], [3, 4]])).sum())(v);
    expect(Array.from(g.dataSync())).toEqual([0, 2, 3, 0]);
    expect((tf.getKernel('Step', 'tensorflow')!.kernelFunc as { kdlabFast?: boolean }).kdlabFast).toBe(true);
  });
});
