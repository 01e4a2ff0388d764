// Golden values: golden/gen_eeg_losses.py computes SK-KD with PyTorch (float64, from the choices
// stated in skkd.ts, independently of this code) on fixed inputs, with the autograd gradient
// w.r.t. the student. Plus the properties that distinguish it from SP.
import { tf } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';
import { expectLossMatchesGolden, readGoldenCases } from '../testing/golden';

const cases = readGoldenCases('eeg_losses.json');

describe('SK-KD', () => {
  it.each(cases.map((c, i) => [i, c] as const))('golden case %i: value and gradient w.r.t. the student', (_i, c) => {
    expectLossMatchesGolden(createLoss(c.loss), c, { valueRel: 2e-5, valueAbs: 1e-7, gradRel: 1e-4 });
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
