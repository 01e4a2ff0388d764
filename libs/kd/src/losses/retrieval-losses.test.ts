// Golden values: golden/gen_retrieval_losses.py computes DCD (aligned, released; dynamic and
// static weights) with PyTorch in float64 following the released code's steps, with the autograd
// gradient w.r.t. the student scores.
import { tf } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';
import { expectLossMatchesGolden, readGoldenCases } from '../testing/golden';
import { dcdSelection } from './dcd';

const cases = readGoldenCases('retrieval_losses.json');

describe('retrieval losses against PyTorch golden values', () => {
  it('covers dcd in both variants, with and without dynamic weights, with its source', () => {
    const seen = new Set(cases.map((c) => `${String(c.loss.variant)}/${String(c.loss.dynamic)}`));
    for (const v of ['aligned/true', 'aligned/false', 'released/true', 'released/false']) expect(seen).toContain(v);
    expect(lossSource('dcd')?.level).toBe('official-code');
    expect(lossSource('dcd')?.deviations.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value and gradient', (_l, c) => {
    expectLossMatchesGolden(createLoss(c.loss), c, { valueRel: 2e-5, valueAbs: 1e-6, gradRel: 1e-4 });
  });
});

describe('dcd behaviour', () => {
  it('moves the positive to the student slot 0 and keeps the teacher in sorted order only when released', () => {
    // Row 0: teacher ranks the positive (slot 0) third; row 1: outside its top 3.
    const teacher = [1, 3, 2, 0, -1, /* row 1 */ -5, 4, 3, 2, 1];
    const aligned = dcdSelection(teacher, 2, 5, 2, 'aligned');
    const released = dcdSelection(teacher, 2, 5, 2, 'released');
    expect(aligned.student).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(aligned.teacher).toEqual(aligned.student);
    expect(released.student).toEqual(aligned.student);
    expect(released.teacher).toEqual([[1, 2, 0], [1, 2, 3]]);
  });

  it('static weights: aligned equals released when the teacher ranks every positive first', () => {
    const s = tf.tensor2d([[0.3, -1, 2, 0.5], [1, 0.2, -0.4, 0.9]]);
    const t = tf.tensor2d([[5, 1, 2, 0], [4, 3, -1, 2]]);
    const a = createLoss({ kind: 'dcd', dynamic: false, variant: 'aligned', hardNegatives: 2 }).compute(s, t).dataSync()[0];
    const r = createLoss({ kind: 'dcd', dynamic: false, variant: 'released', hardNegatives: 2 }).compute(s, t).dataSync()[0];
    expect(a).toBeCloseTo(r, 6);
    // With a misranked positive the two variants differ.
    const t2 = tf.tensor2d([[1, 5, 2, 0], [4, 3, -1, 2]]);
    const a2 = createLoss({ kind: 'dcd', dynamic: false, variant: 'aligned', hardNegatives: 2 }).compute(s, t2).dataSync()[0];
    const r2 = createLoss({ kind: 'dcd', dynamic: false, variant: 'released', hardNegatives: 2 }).compute(s, t2).dataSync()[0];
    expect(Math.abs(a2 - r2)).toBeGreaterThan(1e-3);
    tf.dispose([s, t, t2]);
  });
});
