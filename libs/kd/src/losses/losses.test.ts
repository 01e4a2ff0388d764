// Golden values: golden/gen_losses.py computes each loss with PyTorch (float64,
// written from the formulas, independently of this code) on fixed inputs from a
// seeded numpy RNG, and its gradient w.r.t. the student tensor by autograd.
import * as fs from 'fs';
import { tf } from '@kdlab/engine';
import { createLoss, listLosses, type LossContext } from '../loss';
import { GOLDEN_DIR, expectLossMatchesGolden, readGoldenCases, unpack, type GoldenLossCase, type Packed } from '../testing/golden';

interface ContextCase extends GoldenLossCase {
  /** For losses that read the outputs and the target as well as the tapped tensors. */
  context?: { student_output: Packed; teacher_output: Packed; target: Packed };
}

const cases = readGoldenCases<ContextCase>('losses.json');

function contextOf(c: ContextCase): LossContext | undefined {
  if (!c.context) return undefined;
  return {
    target: unpack(c.context.target),
    student: { output: unpack(c.context.student_output), features: {} },
    teacher: { output: unpack(c.context.teacher_output), features: {} },
  };
}

describe('losses against PyTorch golden values', () => {
  it('every registered loss kind has golden cases', () => {
    // Each group of losses keeps its golden cases in its own golden/<group>_losses.json (with its
    // generator gen_<group>_losses.py and its test); every kind must appear in one of them.
    const files = fs.readdirSync(GOLDEN_DIR).filter((f) => /losses\.json$/.test(f));
    const covered = new Set(files.flatMap((f) => readGoldenCases(f)).map((c) => c.loss.kind));
    for (const kind of listLosses()) expect({ kind, covered: covered.has(kind) }).toEqual({ kind, covered: true });
  });

  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value (1e-5 relative) and gradient w.r.t. the student', (_l, c) => {
    const ctx = contextOf(c);
    expectLossMatchesGolden(createLoss(c.loss), c, { valueRel: 1e-5, gradRel: 1e-4 }, ctx);
    if (ctx) tf.dispose([ctx.target!, ctx.student!.output, ctx.teacher!.output]);
  });
});
