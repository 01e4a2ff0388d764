// Golden values for MRDA's representation KD: golden/gen_mrda_losses.py computes it with the
// released stage-4 trainer's PyTorch calls (float64) and its gradient by autograd.
import { tf } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';
import { expectLossMatchesGolden, readGoldenCases } from '../testing/golden';

const cases = readGoldenCases('mrda_losses.json');

describe('MRDA representation KD against PyTorch golden values', () => {
  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value (1e-5 relative) and gradient w.r.t. the student', (_l, c) => {
    expectLossMatchesGolden(createLoss(c.loss), c, { valueRel: 1e-5, gradRel: 1e-4 });
  });

  it('mrda-repr-kd: tau 0.15 and L1 weight 0.1 by default, official-code source, zero for equal inputs, clear shape errors', () => {
    expect(createLoss({ kind: 'mrda-repr-kd' })).toMatchObject({ temperature: 0.15, l1Weight: 0.1 });
    expect(lossSource('mrda-repr-kd')?.level).toBe('official-code');
    const loss = createLoss({ kind: 'mrda-repr-kd' });
    const x = tf.randomNormal([2, 8], 0, 1, 'float32', 0);
    expect(Math.abs(loss.compute(x, x).dataSync()[0])).toBeLessThan(1e-6);
    // The L1 part alone: equal softmaxes (a constant shift) leave only 0.1 · |shift|.
    expect(loss.compute(x.add(2), x).dataSync()[0]).toBeCloseTo(0.2, 4);
    expect(() => loss.compute(tf.zeros([2, 8]), tf.zeros([2, 4]))).toThrow(/mrda-repr-kd/);
    expect(() => loss.compute(tf.zeros([2, 8, 1, 1]), tf.zeros([2, 8, 1, 1]))).toThrow(/mrda-repr-kd/);
    x.dispose();
  });
});
