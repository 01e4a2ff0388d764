// Golden values: golden/gen_cls_losses.py computes each classification loss
// with PyTorch (float64, written from the papers' formulas, independently of
// this code) on fixed inputs, with autograd gradients w.r.t. the student and,
// for losses with learned weights (mimkd, mcl), w.r.t. those weights too.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { createLoss } from '../loss';
import { expectCloseTo, readGoldenCases, unpack, type GoldenLossCase, type Packed } from '../testing/golden';

interface ClsCase extends GoldenLossCase {
  /** Learned weights of the loss (MIMKD's critic, MCL's heads), set before the value is computed. */
  weights?: Packed[];
  grad_weights?: Packed[];
}

const cases = readGoldenCases<ClsCase>('cls_losses.json');

describe('classification losses against PyTorch golden values', () => {
  it('covers ce, kd, at, sp, mimkd (both levels) and mcl', () => {
    const kinds = new Set(cases.map((c) => `${c.loss.kind}${c.loss.level ? `:${String(c.loss.level)}` : ''}`));
    for (const k of ['ce', 'kd', 'at', 'sp', 'mimkd', 'mimkd:local', 'mcl']) expect(kinds).toContain(k);
  });

  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value and gradients', (_l, c) => {
    const loss = createLoss(c.loss);
    const s = unpack(c.student);
    const t = unpack(c.teacher);
    if (c.weights) {
      loss.build({ student: c.student.shape[c.student.shape.length - 1], teacher: c.teacher.shape[c.teacher.shape.length - 1] }, 0);
      const vars = loss.trainableWeights;
      expect(vars.map((v) => v.shape)).toEqual(c.weights.map((w) => w.shape));
      vars.forEach((v, i) => v.assign(unpack(c.weights![i])));
    }
    const value = loss.compute(s, t);
    expect(value.shape).toEqual([]);
    expect(Math.abs(value.dataSync()[0] - c.value)).toBeLessThanOrEqual(2e-5 * Math.abs(c.value) + 1e-6);

    expectCloseTo(tf.grad((x: Tensor) => loss.compute(x, t))(s), c.grad_student, 1e-4);
    if (c.weights) {
      const { grads } = tf.variableGrads(() => loss.compute(s, t), loss.trainableWeights);
      loss.trainableWeights.forEach((v, i) => expectCloseTo(grads[v.name], c.grad_weights![i], 1e-4));
      tf.dispose(Object.values(grads));
    }
    tf.dispose([s, t, value]);
    loss.dispose();
  });
});
