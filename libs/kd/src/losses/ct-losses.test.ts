// Golden values: golden/gen_ct_losses.py computes the contrastive ratio with PyTorch (float64) through
// a fixed two-layer encoder standing in for the frozen teacher, with the autograd gradient w.r.t.
// the student output. Plus the behaviour the loss is for and its errors.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';
import type { Taps } from '../taps';
import { readGoldenCases, unpack, type Packed } from '../testing/golden';

interface GoldenCase {
  loss: { kind: string };
  encoder: { k1: Packed; b1: Packed; k2: Packed; b2: Packed };
  student: Packed; target: Packed; input: Packed; value: number; grad_student: Packed;
}

const cases = readGoldenCases<GoldenCase>('ct_losses.json');

function encoderOf(e: GoldenCase['encoder']): (x: Tensor) => Taps {
  const [k1, b1, k2, b2] = [unpack(e.k1), unpack(e.b1), unpack(e.k2), unpack(e.b2)];
  return (x) => {
    const e1 = tf.relu(tf.conv2d(x as Tensor4D, k1 as Tensor4D, 1, 'same').add(b1));
    const e2 = tf.relu(tf.conv2d(e1 as Tensor4D, k2 as Tensor4D, 1, 'same').add(b2));
    return { output: e2, features: { e1, e2 } };
  };
}

describe('contrastive-ratio (TSC-Net contrastive regularisation)', () => {
  it.each(cases.map((c, i) => [i, c] as const))('golden case %i: value and gradient w.r.t. the student output', (_i, c) => {
    const loss = createLoss(c.loss);
    const teacherAt = encoderOf(c.encoder);
    const [s, target, input] = [unpack(c.student), unpack(c.target), unpack(c.input)];
    const ctx = { teacherAt, target, input };
    expect(Math.abs(loss.compute(s, target, ctx).dataSync()[0] - c.value)).toBeLessThanOrEqual(1e-5 * Math.abs(c.value));
    const g = tf.grad((x: Tensor) => loss.compute(x, target, ctx))(s);
    const want = unpack(c.grad_student);
    const scale = want.abs().max().dataSync()[0];
    expect(scale).toBeGreaterThan(0);
    expect(g.sub(want).abs().max().dataSync()[0]).toBeLessThanOrEqual(1e-4 * scale);
  });

  it('is small when the output is the target and about 1 or more when it is the input', () => {
    const c = cases[0];
    const loss = createLoss(c.loss);
    const ctx = { teacherAt: encoderOf(c.encoder), target: unpack(c.target), input: unpack(c.input) };
    expect(loss.compute(ctx.target, ctx.target, ctx).dataSync()[0]).toBeLessThan(1e-6);
    expect(loss.compute(ctx.input, ctx.target, ctx).dataSync()[0]).toBeGreaterThan(1e3);
  });

  it('declares its taps, names what is missing, and is abstract-only', () => {
    const loss = createLoss({ kind: 'contrastive-ratio', layers: ['enc3'] }) as unknown as { extraTaps: { teacher: string[] } };
    expect(loss.extraTaps.teacher).toEqual(['enc3']);
    const x = tf.zeros([1, 4, 4, 1]);
    expect(() => createLoss({ kind: 'contrastive-ratio', layers: ['enc3'] }).compute(x, x, { target: x })).toThrow(/needs the frozen teacher/);
    const c = cases[0];
    const ctx = { teacherAt: encoderOf(c.encoder), target: unpack(c.target), input: unpack(c.input) };
    expect(() => createLoss({ kind: 'contrastive-ratio', layers: ['nope'] }).compute(ctx.target, ctx.target, ctx)).toThrow(/has no tap 'nope'/);
    expect(() => createLoss({ kind: 'contrastive-ratio', layers: ['e1', 'e2'], weights: [1] })).toThrow(/1 weights for 2 layers/);
    expect(lossSource('contrastive-ratio')).toMatchObject({ level: 'abstract-only', reference: expect.stringMatching(/2112\.00729/) });
  });
});
