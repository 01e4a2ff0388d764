// Golden values for DCS-RISR's training losses: golden/gen_dcs_losses.py writes them from the
// loss files' formulas with numpy index arithmetic and torch autograd (float64).
import { tf } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';
import { expectLossMatchesGolden, readGoldenCases, unpack, type GoldenLossCase, type Packed } from '../testing/golden';

const cases = readGoldenCases<GoldenLossCase & { degradation?: Packed }>('dcs_losses.json');

describe('DCS-RISR losses against golden values', () => {
  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value and gradient w.r.t. the student', (_l, c) => {
    const degradation = c.degradation ? unpack(c.degradation) : undefined;
    expectLossMatchesGolden(createLoss(c.loss), c, { valueRel: 1e-5, valueAbs: 1e-7, gradRel: 1e-4 }, degradation ? { batch: { degradation } } : undefined);
    degradation?.dispose();
  });

  it('every case family is covered, each source is abstract-only', () => {
    expect(new Set(cases.map((c) => c.loss.kind))).toEqual(new Set(['dcs-nonlocal', 'dcs-flops', 'dcs-degradation-l1']));
    for (const kind of ['dcs-nonlocal', 'dcs-flops', 'dcs-degradation-l1']) expect(lossSource(kind)?.level).toBe('abstract-only');
  });

  it('dcs-nonlocal is 0 when the features are the HR patches themselves; clear errors', () => {
    const hr = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 3);
    const loss = createLoss({ kind: 'dcs-nonlocal', patch: 2 });
    // Scale 1: the "features" are the HR image, so both affinities are the same matrix.
    expect(loss.compute(hr, hr).dataSync()[0]).toBeLessThan(1e-10);
    expect(() => loss.compute(tf.zeros([1, 3, 3, 4]), tf.zeros([1, 8, 8, 3]))).toThrow(/dcs-nonlocal.*integer multiple/);
    expect(() => loss.compute(tf.zeros([1, 1, 1, 4]), tf.zeros([1, 4, 4, 3]))).toThrow(/smaller than one 2x2 patch/);
    hr.dispose();
  });

  it('dcs-degradation-l1 without a degradation target names the config field; dcs-flops is 0 under its target', () => {
    expect(() => createLoss({ kind: 'dcs-degradation-l1' }).compute(tf.zeros([2, 3]), tf.zeros([2, 1]))).toThrow(/data.degradationTarget/);
    // α = 1 everywhere costs 1/4 < 0.4375: no penalty; α = 0 costs 1: 1 − 0.4375.
    const flops = createLoss({ kind: 'dcs-flops' });
    expect(flops.compute(tf.ones([2, 3]), tf.zeros([2, 1])).dataSync()[0]).toBe(0);
    expect(flops.compute(tf.zeros([2, 3]), tf.zeros([2, 1])).dataSync()[0]).toBeCloseTo(0.5625, 6);
  });
});
