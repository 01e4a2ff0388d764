import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-node';
import { tf } from '../tf';
import { fusedBatchNormSupported, fusedBatchNormTraining } from './fused-batch-norm';

// The reference is tfjs' unfused training path: tf.moments + tf.batchNorm and tfjs' gradients of both.
function unfused(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const m = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x as Tensor4D, m.mean as Tensor1D, m.variance as Tensor1D, beta as Tensor1D, gamma as Tensor1D, eps);
}

/** max |a - b| / max(max |b|, 1e-3): one relative tolerance per tensor. */
function relErr(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(tf.max(tf.abs(b)).dataSync()[0], 1e-3));
}

describe('fusedBatchNormTraining (FusedBatchNormV3 / FusedBatchNormGradV3)', () => {
  const shapes: [number, number, number, number][] = [[8, 6, 5, 3], [2, 4, 4, 16], [1, 3, 3, 4]];
  for (const shape of shapes) {
    it(`matches the unfused forward, batch statistics and gradients on NHWC ${shape.join('x')}`, () => {
      const c = shape[3];
      const x = tf.randomNormal(shape, 0.7, 2.5, 'float32', 11) as Tensor4D;
      const gamma = tf.randomUniform([c], 0.5, 2, 'float32', 12) as Tensor1D;
      const beta = tf.randomNormal([c], 0, 1, 'float32', 13) as Tensor1D;
      const w = tf.randomNormal(shape, 0, 1, 'float32', 14); // a non-uniform upstream gradient
      const eps = 1e-5;
      const got = fusedBatchNormTraining(x, gamma, beta, eps);
      const m = tf.moments(x, [0, 1, 2]);
      expect(relErr(got.y, unfused(x, gamma, beta, eps))).toBeLessThan(1e-4);
      expect(relErr(got.mean, m.mean)).toBeLessThan(1e-4);
      expect(relErr(got.variance, m.variance)).toBeLessThan(1e-4);
      const n = shape[0] * shape[1] * shape[2];
      expect(relErr(got.unbiasedVariance, tf.mul(m.variance, n / (n - 1)))).toBeLessThan(1e-4);

      const loss = (f: (a: Tensor, g: Tensor, b: Tensor) => Tensor) => (a: Tensor, g: Tensor, b: Tensor) => tf.sum(tf.mul(f(a, g, b), w));
      const fusedGrads = tf.grads(loss((a, g, b) => fusedBatchNormTraining(a as Tensor4D, g as Tensor1D, b as Tensor1D, eps).y))([x, gamma, beta]);
      const refGrads = tf.grads(loss((a, g, b) => unfused(a, g, b, eps)))([x, gamma, beta]);
      ['x', 'gamma', 'beta'].forEach((name, i) => {
        expect({ name, err: relErr(fusedGrads[i], refGrads[i]) < 1e-4 }).toEqual({ name, err: true });
      });
      // The gradient wrt x of a batch-normalised output is not the trivial gamma/std: check it is not.
      expect(tf.max(tf.abs(refGrads[0])).dataSync()[0]).toBeGreaterThan(0);
    });
  }

  it('frees what it creates (no tensors left after a forward + backward)', () => {
    const x = tf.randomNormal([4, 3, 3, 2], 0, 1, 'float32', 1) as Tensor4D;
    const g = tf.ones([2]) as Tensor1D;
    const b = tf.zeros([2]) as Tensor1D;
    const before = tf.memory().numTensors;
    const grads = tf.grads((a: Tensor, gg: Tensor, bb: Tensor) => tf.sum(fusedBatchNormTraining(a as Tensor4D, gg as Tensor1D, bb as Tensor1D, 1e-3).y.square()))([x, g, b]);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says which inputs it runs and rejects the others by shape', () => {
    expect(fusedBatchNormSupported(tf.zeros([2, 2, 2, 3]))).toBe(true);
    expect(fusedBatchNormSupported(tf.zeros([4, 3]))).toBe(false);
    expect(fusedBatchNormSupported(tf.zeros([2, 2, 2, 3], 'int32'))).toBe(false);
    expect(() => fusedBatchNormTraining(tf.zeros([4, 3]) as unknown as Tensor4D, tf.ones([3]) as Tensor1D, tf.zeros([3]) as Tensor1D, 1e-3)).toThrow(/rank-4 float32 NHWC.*got rank 2/);
    expect(() => fusedBatchNormTraining(tf.zeros([2, 2, 2, 3]) as Tensor4D, tf.ones([4]) as Tensor1D, tf.zeros([4]) as Tensor1D, 1e-3)).toThrow(/input's 3 channels/);
  });
});
