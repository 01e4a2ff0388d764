// The `packed` option of the C2-Matching losses (experiments/ref-sr's contras-pair model outputs view 1 ⊕
// view 2 descriptors on the channel axis): the same values and gradients as the two views given apart.
import { tf, Rng } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import { cropImage, dataPath, randomHomographyPair, readImage } from '@kdlab/data';
import { createLoss } from '../loss';

describe('C2-Matching losses, packed views', () => {
  const img = cropImage(readImage(dataPath('sr/Set5/baby.png')), 50, 60, 80, 80);
  const pair = randomHomographyPair(img, new Rng(2), 9);
  const correspondence = tf.tensor4d(pair.correspondence, [1, 80, 80, 2]);
  const f = (seed: number) => tf.randomNormal([1, 20, 20, 8], 0, 1, 'float32', seed);
  const [s1, s2, t1, t2] = [f(1), f(2), f(3), f(4)];

  it('c2-triplet: packed [f1 ⊕ f2] equals (f1, f2), gradients too; the second argument is unused', () => {
    const apart = createLoss({ kind: 'c2-triplet' });
    const packed = createLoss({ kind: 'c2-triplet', packed: true });
    const both = tf.concat([s1, s2], 3);
    const a = apart.compute(s1, s2, { correspondence }).dataSync()[0];
    expect(a).toBeGreaterThan(0);
    expect(packed.compute(both, tf.zeros([1]), { correspondence }).dataSync()[0]).toBeCloseTo(a, 6);
    const gApart = tf.grads((x: Tensor, y: Tensor) => apart.compute(x, y, { correspondence }) as Scalar)([s1, s2]);
    const gPacked = tf.grad((x: Tensor) => packed.compute(x, tf.zeros([1]), { correspondence }) as Scalar)(both);
    expect(gPacked.sub(tf.concat(gApart, 3)).abs().max().dataSync()[0]).toBeLessThan(1e-6);
    expect(() => packed.compute(tf.zeros([1, 20, 20, 7]), tf.zeros([1]), { correspondence })).toThrow(/even channel count/);
  });

  it('c2-correlation-kd: packed student/teacher equal the views given with context.reference', () => {
    const apart = createLoss({ kind: 'c2-correlation-kd' });
    const packed = createLoss({ kind: 'c2-correlation-kd', packed: true });
    const a = apart.compute(s1, t1, { correspondence, reference: { student: s2, teacher: t2 } }).dataSync()[0];
    expect(a).toBeGreaterThan(0);
    expect(packed.compute(tf.concat([s1, s2], 3), tf.concat([t1, t2], 3), { correspondence }).dataSync()[0]).toBeCloseTo(a, 6);
  });

  it('reads the correspondence from the batch extra tensors when the context has none', () => {
    const loss = createLoss({ kind: 'c2-triplet' });
    expect(loss.compute(s1, s2, { batch: { correspondence } }).dataSync()[0]).toBeCloseTo(loss.compute(s1, s2, { correspondence }).dataSync()[0], 6);
    expect(() => loss.compute(s1, s2, {})).toThrow(/needs context\.correspondence/);
  });
});
