// The pixel-distillation losses (isrd: ISRD's SR head + L1 to the HR image; fsr: TAS's feature
// super-resolution + MSE) against golden/pixel_losses.json, written by gen_pixel_losses.py
// (numpy, from the released SR1x1 module; gradients by central differences): value and
// gradients w.r.t. the student feature and every learned weight of the head; and at / fitnet
// with `resolution: pool` (the larger map average-pooled to the smaller's size) between maps of
// different sizes.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { createLoss } from '../loss';
import { expectCloseTo, readGoldenCases, unpack, type GoldenLossCase, type Packed } from '../testing/golden';

interface PixelCase extends GoldenLossCase {
  weights: Packed[];
  grad_weights: Packed[];
}

const cases = readGoldenCases<PixelCase>('pixel_losses.json');
const channels = (p: Packed) => p.shape[p.shape.length - 1];

describe('pixel-distillation losses against numpy golden values', () => {
  it('covers isrd (scales 2 and 4, and a cropped HR size) and fsr', () => {
    expect(cases.filter((c) => c.loss.kind === 'isrd').map((c) => c.loss.scale)).toEqual([2, 4, 2]);
    expect(cases.filter((c) => c.loss.kind === 'fsr').map((c) => c.loss.scale)).toEqual([2, 4]);
    expect(cases.filter((c) => c.loss.resolution === 'pool').map((c) => c.loss.kind)).toEqual(['at', 'at', 'fitnet', 'fitnet', 'at', 'at', 'at', 'fitnet', 'fitnet']);
  });

  it.each(cases.map((c, i) => [`${i} ${JSON.stringify(c.loss)}`, c] as const))('%s: value and gradients', (_l, c) => {
    const loss = createLoss(c.loss);
    loss.build({ student: channels(c.student), teacher: channels(c.teacher) }, 0);
    const vars = loss.trainableWeights;
    expect(vars.map((v) => v.shape)).toEqual(c.weights.map((w) => w.shape));
    vars.forEach((v, i) => v.assign(unpack(c.weights[i])));
    const s = unpack(c.student);
    const t = unpack(c.teacher);
    const value = loss.compute(s, t);
    expect(value.shape).toEqual([]);
    expect(Math.abs(value.dataSync()[0] - c.value)).toBeLessThanOrEqual(2e-5 * Math.abs(c.value) + 1e-6);
    expectCloseTo(tf.grad((x: Tensor) => loss.compute(x, t))(s), c.grad_student, 1e-4);
    if (vars.length > 0) {
      const { grads } = tf.variableGrads(() => loss.compute(s, t), vars);
      vars.forEach((v, i) => expectCloseTo(grads[v.name], c.grad_weights[i], 1e-4));
      tf.dispose(Object.values(grads));
    }
    tf.dispose([s, t, value]);
    loss.dispose();
  });

  it('at and fitnet still refuse maps of different sizes without resolution: pool', () => {
    expect(() => createLoss({ kind: 'at' }).compute(tf.ones([1, 2, 2, 3]), tf.ones([1, 4, 4, 3]))).toThrow(/same batch and spatial size/);
    expect(() => createLoss({ kind: 'fitnet' }).compute(tf.ones([1, 2, 2, 3]), tf.ones([1, 4, 4, 3]))).toThrow(/must have the same shape/);
    expect(() => createLoss({ kind: 'fitnet', resolution: 'pool' }).compute(tf.ones([2, 2, 3]), tf.ones([1, 6, 4, 3]))).toThrow(/resolution: pool needs NHWC maps/);
  });

  it('fsr crops a lifted map larger than the assistant map (4x4 x2 -> 8x8 vs 7x7): the golden exact-size loss on the 7x7 part', () => {
    const fsr = createLoss({ kind: 'fsr', scale: 2 }) as unknown as { build: (c: object, s: number) => void; lift: (t: Tensor) => Tensor; compute: (s: Tensor, t: Tensor) => Tensor; dispose: () => void };
    fsr.build({ student: 2, teacher: 3 }, 0);
    const student = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 1);
    const teacher = tf.randomNormal([2, 7, 7, 3], 0, 1, 'float32', 2);
    // An 8x8 assistant map equal to the lifted map outside the 7x7 part: the exact-size path (checked
    // against numpy above) sums the same squared errors over 64 instead of 49 positions per channel.
    const lifted = fsr.lift(student);
    const padded = tf.concat([tf.concat([teacher, lifted.slice([0, 0, 7, 0], [2, 7, 1, 3])], 2), lifted.slice([0, 7, 0, 0], [2, 1, 8, 3])], 1);
    const cropped = fsr.compute(student, teacher).dataSync()[0];
    const exact = fsr.compute(student, padded).dataSync()[0];
    expect(cropped).toBeGreaterThan(0);
    expect(cropped).toBeCloseTo((exact * 64) / 49, 5);
    // One more row or column than the lift covers is still refused.
    expect(() => fsr.compute(student, tf.zeros([2, 9, 9, 3]))).toThrow(/loss.scale/);
    tf.dispose([student, teacher, lifted, padded]);
    fsr.dispose();
  });

  it('refuses a scale that does not match the two shapes, naming loss.scale', () => {
    const loss = createLoss({ kind: 'isrd', scale: 4 });
    loss.build({ student: 2, teacher: 3 }, 0);
    expect(() => loss.compute(tf.zeros([1, 4, 4, 2]), tf.zeros([1, 8, 8, 3]))).toThrow(/loss.scale/);
    const fsr = createLoss({ kind: 'fsr', scale: 2 });
    fsr.build({ student: 2, teacher: 3 }, 0);
    expect(() => fsr.compute(tf.zeros([1, 4, 4, 2]), tf.zeros([1, 16, 16, 3]))).toThrow(/loss.scale/);
    loss.dispose();
    fsr.dispose();
  });
});
