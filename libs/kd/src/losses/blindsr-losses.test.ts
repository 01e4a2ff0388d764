// Golden values for the blind-SR losses: golden/gen_blindsr_losses.py computes KDSR's stage-2 KL
// with the released code's PyTorch calls (float64) and its gradient by autograd.
import { tf } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';
import { expectLossMatchesGolden, readGoldenCases } from '../testing/golden';

const cases = readGoldenCases('blindsr_losses.json');

describe('blind-SR losses against PyTorch golden values', () => {
  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value (1e-5 relative) and gradient w.r.t. the student', (_l, c) => {
    expectLossMatchesGolden(createLoss(c.loss), c, { valueRel: 1e-5, gradRel: 1e-4 });
  });

  it('kdsr-idr-kl: tau 0.15 by default, official-code source, zero for equal inputs, clear shape errors', () => {
    expect(createLoss({ kind: 'kdsr-idr-kl' })).toMatchObject({ temperature: 0.15 });
    expect(lossSource('kdsr-idr-kl')?.level).toBe('official-code');
    const loss = createLoss({ kind: 'kdsr-idr-kl' });
    const x = tf.randomNormal([2, 8], 0, 1, 'float32', 0);
    expect(Math.abs(loss.compute(x, x).dataSync()[0])).toBeLessThan(1e-6);
    expect(() => loss.compute(tf.zeros([2, 8]), tf.zeros([2, 4]))).toThrow(/kdsr-idr-kl/);
    expect(() => loss.compute(tf.zeros([2, 8, 1, 1]), tf.zeros([2, 8, 1, 1]))).toThrow(/kdsr-idr-kl/);
    x.dispose();
  });
});
