// Golden values for the reference-based SR losses (C2-Matching): golden/gen_refsr_losses.py computes them
// in PyTorch (float64) as the released code does, with gradients by autograd.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { createLoss, lossSource, type LossContext } from '../loss';
import { expectCloseTo, expectLossMatchesGolden, readGoldenCases, unpack, type GoldenLossCase, type Packed } from '../testing/golden';
import { roundHalfEven } from '../two-view';

interface RefSrCase extends GoldenLossCase {
  correspondence: Packed;
  kept_samples: number;
  reference_student?: Packed;
  reference_teacher?: Packed;
  grad_reference_student?: Packed;
}

const cases = readGoldenCases<RefSrCase>('refsr_losses.json');

function contextOf(c: RefSrCase): LossContext {
  const ctx: LossContext = { correspondence: unpack(c.correspondence) };
  if (c.reference_student && c.reference_teacher) ctx.reference = { student: unpack(c.reference_student), teacher: unpack(c.reference_teacher) };
  return ctx;
}

describe('reference-based SR losses against PyTorch golden values', () => {
  it('the cases cover both losses, and skipped samples', () => {
    expect(new Set(cases.map((c) => c.loss.kind))).toEqual(new Set(['c2-triplet', 'c2-correlation-kd']));
    expect(cases.some((c) => c.kept_samples === 1)).toBe(true);
  });

  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value (1e-4 relative) and gradient w.r.t. the student', (_l, c) => {
    expectLossMatchesGolden(createLoss(c.loss), c, { valueRel: 1e-4, gradRel: 1e-3 }, contextOf(c));
  });

  it('c2-correlation-kd: gradient w.r.t. the student reference descriptors', () => {
    for (const c of cases.filter((k) => k.grad_reference_student)) {
      const loss = createLoss(c.loss);
      const ctx = contextOf(c);
      const [s, t] = [unpack(c.student), unpack(c.teacher)];
      const grad = tf.grad((r: Tensor) => loss.compute(s, t, { ...ctx, reference: { student: r, teacher: ctx.reference!.teacher } }))(ctx.reference!.student);
      expectCloseTo(grad, c.grad_reference_student!, 1e-3);
    }
  });

  it('released defaults, official-code sources, clear errors', () => {
    expect(createLoss({ kind: 'c2-triplet' })).toMatchObject({ opts: { margin: 1, safeRadius: 4, stride: 4, border: 10, minMatches: 128 } });
    expect(createLoss({ kind: 'c2-correlation-kd' })).toMatchObject({ opts: { temperature: 0.15, minMatches: 128 } });
    expect(lossSource('c2-triplet')?.level).toBe('official-code');
    expect(lossSource('c2-correlation-kd')?.level).toBe('official-code');
    const c = cases[0];
    const [f1, f2] = [unpack(c.student), unpack(c.teacher)];
    // 48x48 crops give at most 7x7 = 49 matches: the released minimum of 128 skips every sample
    expect(() => createLoss({ kind: 'c2-triplet' }).compute(f1, f2, contextOf(c))).toThrow("loss 'c2-triplet': no sample has 128 matches or more (matches per sample:");
    expect(() => createLoss(c.loss).compute(f1, f2)).toThrow('needs context.correspondence');
    expect(() => createLoss(c.loss).compute(f1, f2, { correspondence: tf.zeros([2, 40, 48, 2]) })).toThrow('context.correspondence is [2,40,48,2]');
    expect(() => createLoss({ kind: 'c2-correlation-kd' }).compute(f1, f1, contextOf(c))).toThrow('needs context.reference');
    tf.dispose([f1, f2]);
  });

  it('roundHalfEven is torch.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3]);
  });
});
