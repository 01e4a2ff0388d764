// Golden values: golden/gen_tracking_losses.py computes each Siamese-tracking loss with
// PyTorch (float64, from the formulas, independently of this code) on fixed inputs, with the
// autograd gradient w.r.t. the student. Cases with `target` pass it as LossContext.target.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';
import { readGoldenCases, unpack, type Packed } from '../testing/golden';

interface GoldenCase {
  loss: { kind: string; [k: string]: unknown };
  student: Packed;
  teacher: Packed;
  target?: Packed;
  value: number;
  grad_student: Packed;
}

const cases = readGoldenCases<GoldenCase>('tracking_losses.json');
const KINDS = ['siamese-task', 'siamese-cls', 'rpn-reg', 'response-kd', 'teacher-bounded-reg', 'conditional-mutual'];

describe('Siamese-tracking losses against PyTorch golden values', () => {
  it('covers every tracking loss, each with its method source', () => {
    const kinds = new Set(cases.map((c) => c.loss.kind));
    for (const k of KINDS) {
      expect(kinds).toContain(k);
      expect(lossSource(k)?.level).toMatch(/official-code|paper|abstract-only/);
    }
    expect(lossSource('conditional-mutual')?.level).toBe('abstract-only');
  });

  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value and gradient', (_l, c) => {
    const loss = createLoss(c.loss);
    const s = unpack(c.student);
    const t = unpack(c.teacher);
    const context = c.target ? { target: unpack(c.target) } : undefined;
    const value = loss.compute(s, t, context);
    expect(value.shape).toEqual([]);
    expect(Math.abs(value.dataSync()[0] - c.value)).toBeLessThanOrEqual(2e-5 * Math.abs(c.value) + 1e-6);
    const grad = tf.grad((x: Tensor) => loss.compute(x, t, context))(s);
    const want = unpack(c.grad_student);
    expect(grad.shape).toEqual(want.shape);
    const scale = want.abs().max().dataSync()[0];
    expect(scale).toBeGreaterThan(0);
    expect(grad.sub(want).abs().max().dataSync()[0]).toBeLessThanOrEqual(1e-4 * scale);
    tf.dispose([s, t, value, grad, want, ...(context ? [context.target] : [])]);
  });

  it('rejects a target of the wrong layout with a message naming the loss', () => {
    const loss = createLoss({ kind: 'siamese-cls', head: 'siamrpn', anchors: 5 });
    expect(() => loss.compute(tf.zeros([1, 17, 17, 30]), tf.zeros([1, 17, 17, 24]))).toThrow(/siamese-cls.*target has 24 channels, expected 25/);
    expect(() => createLoss({ kind: 'response-kd', head: 'siamfc', anchors: 5 })).toThrow(/anchors: 1/);
  });
});
