// Golden values: golden/gen_eeg_losses.py computes SK-KD with PyTorch (float64, from the choices
// stated in skkd.ts, independently of this code) on fixed inputs, with the autograd gradient
// w.r.t. the student. Plus the properties that distinguish it from SP.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';

interface Packed { shape: number[]; data: number[] }
interface GoldenCase { loss: { kind: string }; student: Packed; teacher: Packed; value: number; grad_student: Packed }

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'golden', 'eeg_losses.json'), 'utf8')) as { cases: GoldenCase[] };
const tensor = (p: Packed) => tf.tensor(p.data, p.shape, 'float32');

describe('SK-KD', () => {
  it.each(golden.cases.map((c, i) => [i, c] as const))('golden case %i: value and gradient w.r.t. the student', (_i, c) => {
    const loss = createLoss(c.loss);
    const s = tensor(c.student);
    const t = tensor(c.teacher);
    expect(Math.abs(loss.compute(s, t).dataSync()[0] - c.value)).toBeLessThanOrEqual(2e-5 * Math.abs(c.value) + 1e-7);
    const g = tf.grad((x: Tensor) => loss.compute(x, t))(s);
    const want = tensor(c.grad_student);
    const scale = want.abs().max().dataSync()[0];
    expect(scale).toBeGreaterThan(0);
    expect(g.sub(want).abs().max().dataSync()[0]).toBeLessThanOrEqual(1e-4 * scale);
  });

  it('is invariant to per-sample amplitude (SP is not) and zero when the similarities match', () => {
    const t = tf.randomNormal([5, 12], 0, 1, 'float32', 1);
    const scaled = t.mul(tf.tensor2d([[0.1], [3], [1], [10], [0.5]]));
    expect(createLoss({ kind: 'skkd' }).compute(scaled, t).dataSync()[0]).toBeLessThan(1e-10);
    expect(createLoss({ kind: 'sp' }).compute(scaled, t).dataSync()[0]).toBeGreaterThan(1e-3);
    expect(createLoss({ kind: 'skkd' }).compute(tf.randomNormal([5, 12], 0, 1, 'float32', 2), t).dataSync()[0]).toBeGreaterThan(1e-3);
  });

  it('declares itself abstract-only with its reference', () => {
    expect(lossSource('skkd')).toMatchObject({ level: 'abstract-only', reference: expect.stringMatching(/2212\.03329/) });
    expect(() => createLoss({ kind: 'skkd' }).compute(tf.ones([1, 3]), tf.ones([1, 3]))).toThrow(/at least 2 samples/);
  });
});
