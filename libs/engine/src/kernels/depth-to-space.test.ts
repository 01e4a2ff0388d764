import type { Tensor, Tensor4D } from '@tensorflow/tfjs-node';
import { spaceToDepth } from '../depth-space';
import { tf } from '../tf';
import { SPACE_TO_DEPTH, depthToSpaceReference, spaceToDepthReference } from './depth-to-space';

// The reference for both directions is reshape + transpose with tfjs' own gradients
// (depthToSpaceReference / spaceToDepthReference), which the tests below also pin
// to TensorFlow's documented DCR order on one small case.
const cases: { shape: [number, number, number, number]; r: number }[] = [
  { shape: [2, 3, 4, 8], r: 2 },
  { shape: [1, 5, 2, 12], r: 2 },
  { shape: [2, 2, 3, 18], r: 3 },
  { shape: [1, 1, 1, 9], r: 3 },
];

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('depth-to-space / space-to-depth (TensorFlow DCR order)', () => {
  it('runs on the tensorflow backend as one KdlabSpaceToDepth kernel, no transpose', async () => {
    expect(tf.getBackend()).toBe('tensorflow');
    expect(tf.getKernel(SPACE_TO_DEPTH, 'tensorflow')).toBeDefined();
    expect(tf.getGradient('DepthToSpace')).toBeDefined();
    const x = tf.zeros([1, 2, 2, 1]);
    const profile = await tf.profile(() => spaceToDepth(x, 2));
    expect(profile.kernelNames).toContain(SPACE_TO_DEPTH);
    expect(profile.kernelNames).not.toContain('Transpose');
    x.dispose();
  });

  it('orders channels as (i*r + j)*C + c (documented DCR order, checked by index)', () => {
    // x[0, 0, 0, k] = k for k < 8, r = 2, C = 2: out[0, i, j, c] = (i*2 + j)*2 + c.
    const x = tf.range(0, 8).reshape([1, 1, 1, 8]) as Tensor4D;
    const y = tf.depthToSpace(x, 2);
    expect(Array.from(y.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(depthToSpaceReference(tf, x, 2).dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const s = tf.range(0, 8).reshape([1, 2, 2, 2]);
    // out[0, 0, 0, (i*2 + j)*2 + c] = s[0, i, j, c] = (i*2 + j)*2 + c: the identity on these values.
    expect(Array.from(spaceToDepth(s, 2).dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    tf.dispose([x, y, s]);
  });

  for (const { shape, r } of cases) {
    const label = `${shape.join('x')}, r = ${r}`;
    it(`forward equals reshape/transpose and the two are inverses (${label})`, () => {
      tf.tidy(() => {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 3) as Tensor4D;
        const up = tf.depthToSpace(x, r);
        expect(maxAbsDiff(up, depthToSpaceReference(tf, x, r))).toBe(0);
        const down = spaceToDepth(up, r);
        expect(down.shape).toEqual(shape);
        expect(maxAbsDiff(down, spaceToDepthReference(tf, up, r))).toBe(0);
        expect(maxAbsDiff(down, x)).toBe(0);
      });
    });

    it(`gradients equal those of the reshape/transpose path (${label})`, () => {
      tf.tidy(() => {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 4) as Tensor4D;
        const [n, h, w, c] = shape;
        const wUp = tf.randomNormal([n, h * r, w * r, c / (r * r)], 0, 1, 'float32', 5);
        const gUp = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.depthToSpace(t as Tensor4D, r), wUp)))(x);
        const gUpRef = tf.grad((t: Tensor) => tf.sum(tf.mul(depthToSpaceReference(tf, t, r), wUp)))(x);
        expect(maxAbsDiff(gUp, gUpRef)).toBe(0);
        expect(tf.max(tf.abs(gUp)).dataSync()[0]).toBeGreaterThan(0);

        const big = tf.randomNormal([n, h * r, w * r, c], 0, 1, 'float32', 6);
        const wDown = tf.randomNormal([n, h, w, c * r * r], 0, 1, 'float32', 7);
        const gDown = tf.grad((t: Tensor) => tf.sum(tf.mul(spaceToDepth(t, r), wDown)))(big);
        const gDownRef = tf.grad((t: Tensor) => tf.sum(tf.mul(spaceToDepthReference(tf, t, r), wDown)))(big);
        expect(maxAbsDiff(gDown, gDownRef)).toBe(0);
        // A nonlinear loss so that the gradient depends on the forward value as well.
        const gSq = tf.grad((t: Tensor) => tf.sum(tf.square(tf.depthToSpace(spaceToDepth(t, r), r))))(big);
        expect(maxAbsDiff(gSq, tf.mul(big, 2))).toBeLessThan(1e-6);
      });
    });
  }

  it('leaks no tensors in a forward + backward of both directions', () => {
    const x = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 8) as Tensor4D;
    const before = tf.memory().numTensors;
    const g = tf.grad((t: Tensor) => tf.sum(tf.square(spaceToDepth(tf.depthToSpace(t as Tensor4D, 2), 2))))(x);
    g.dispose();
    const z = tf.zeros([1, 4, 4, 2]);
    spaceToDepth(z, 2).dispose();
    z.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('falls back to reshape/transpose (with gradients) on the cpu backend', async () => {
    await tf.setBackend('cpu');
    try {
      expect(tf.getKernel(SPACE_TO_DEPTH, 'cpu')).toBeUndefined();
      tf.tidy(() => {
        const x = tf.randomNormal([1, 6, 3, 2], 0, 1, 'float32', 9);
        const w = tf.randomNormal([1, 2, 1, 18], 0, 1, 'float32', 10);
        expect(maxAbsDiff(spaceToDepth(x, 3), spaceToDepthReference(tf, x, 3))).toBe(0);
        const g = tf.grad((t: Tensor) => tf.sum(tf.mul(spaceToDepth(t, 3), w)))(x);
        expect(maxAbsDiff(g, tf.depthToSpace(w as Tensor4D, 3))).toBe(0);
        const gUp = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.depthToSpace(t as Tensor4D, 3), x)))(w);
        expect(maxAbsDiff(gUp, spaceToDepthReference(tf, x, 3))).toBe(0);
      });
    } finally {
      await tf.setBackend('tensorflow');
    }
  });

  it('rejects bad input with a clear error', () => {
    expect(() => spaceToDepth(tf.zeros([1, 3, 4, 2]), 2)).toThrow(/size 3x4 is not a multiple of block size 2/);
    expect(() => spaceToDepth(tf.zeros([4, 4, 2]), 2)).toThrow(/expected an NHWC tensor/);
    expect(() => spaceToDepth(tf.zeros([1, 4, 4, 2]), 1)).toThrow(/block size must be an integer >= 2/);
  });
});
