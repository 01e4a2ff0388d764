// Properties of the losses beyond the golden values: the registry's errors,
// FACD's gate, LSFD's limits.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { createLoss } from '../loss';

const feats = (seed: number, shape = [3, 4, 4, 6]) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe('createLoss', () => {
  it('names unknown kinds and lists the known ones', () => {
    expect(() => createLoss({ kind: 'crd' })).toThrow(/unknown loss 'crd'; known: .*facd.*fakd.*fitnet.*l1.*lsfd/);
  });

  it('validates options with the field and value in the error', () => {
    expect(() => createLoss({ kind: 'fitnet', distance: 'l3' })).toThrow(/loss 'fitnet': option 'distance'.*got "l3"/);
    expect(() => createLoss({ kind: 'lsfd', kernel: 4 })).toThrow(/option 'kernel': must be odd \(got 4\)/);
    expect(() => createLoss({ kind: 'l1', weight: 2 })).toThrow(/Unrecognized key.*'weight'/);
  });

  it('element-wise losses reject mismatched shapes, FAKD accepts other widths', () => {
    expect(() => createLoss({ kind: 'fitnet' }).compute(feats(1), feats(2, [3, 4, 4, 8]))).toThrow(/student \[3,4,4,6\] and teacher \[3,4,4,8\] must have the same shape/);
    expect(createLoss({ kind: 'fakd' }).needsSameChannels).toBe(false);
    const v = createLoss({ kind: 'fakd' }).compute(feats(1), feats(2, [3, 4, 4, 8]));
    expect(v.dataSync()[0]).toBeGreaterThan(0);
  });
});

describe('FACD', () => {
  const s = feats(1);
  const t = feats(2);
  const hr = tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 3);
  const ctx = (teacherNoise: number, studentNoise: number) => ({
    target: hr,
    student: { output: hr.add(studentNoise), features: {} },
    teacher: { output: hr.add(teacherNoise), features: {} },
  });

  it('is 0 when the teacher is worse than the student on every patch, the full contrastive loss when better on all', () => {
    const facd = createLoss({ kind: 'facd' });
    const plain = createLoss({ kind: 'facd', adaptive: false }).compute(s, t).dataSync()[0];
    expect(facd.compute(s, t, ctx(0.3, 0.1)).dataSync()[0]).toBe(0);
    expect(facd.compute(s, t, ctx(0.1, 0.3)).dataSync()[0]).toBeCloseTo(plain, 6);
  });

  it('is small when the student matches its own teacher feature, about 1 for unrelated features', () => {
    const facd = createLoss({ kind: 'facd', adaptive: false });
    expect(facd.compute(t.add(0.01), t).dataSync()[0]).toBeLessThan(0.02);
    expect(facd.compute(s, t).dataSync()[0]).toBeGreaterThan(0.8);
  });

  it('differentiates when the gated SR outputs depend on the student itself (as in training)', () => {
    const facd = createLoss({ kind: 'facd' });
    const grad = tf.grad((x: Tensor) => {
      const c = { target: hr, student: { output: hr.add(x.mean().mul(0.01).add(0.1)), features: {} }, teacher: { output: hr, features: {} } };
      return facd.compute(x, t, c);
    })(s);
    expect(Number.isFinite(grad.abs().sum().dataSync()[0])).toBe(true);
    expect(grad.abs().max().dataSync()[0]).toBeGreaterThan(0);
  });

  it('needs the outputs and target when adaptive, and a batch of 2 or more', () => {
    expect(() => createLoss({ kind: 'facd' }).compute(s, t)).toThrow(/needs the student and teacher SR outputs and the target/);
    expect(() => createLoss({ kind: 'facd', adaptive: false }).compute(s.slice(0, 1), t.slice(0, 1))).toThrow(/at least 2/);
  });
});

describe('LSFD', () => {
  const s = feats(4, [2, 5, 6, 4]);
  const t = feats(5, [2, 5, 6, 4]);

  it('with a very high temperature it is the plain (uniformly weighted) local FD', () => {
    const v = createLoss({ kind: 'lsfd', temperature: 1e6 }).compute(s, t).dataSync()[0];
    const local = tf.tidy(() => (tf.avgPool(s.sub(t).square().mean(-1, true) as Tensor4D, 3, 1, 'same') as Tensor).mean().dataSync()[0]);
    expect(v).toBeCloseTo(local, 4);
  });

  it('a lower temperature weights the worst positions more, so the loss grows', () => {
    const hot = createLoss({ kind: 'lsfd', temperature: 0.2 }).compute(s, t).dataSync()[0];
    const cold = createLoss({ kind: 'lsfd', temperature: 5 }).compute(s, t).dataSync()[0];
    expect(hot).toBeGreaterThan(cold);
  });

  it('is 0 for identical features', () => {
    expect(createLoss({ kind: 'lsfd' }).compute(t, t).dataSync()[0]).toBe(0);
  });
});
