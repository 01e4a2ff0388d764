// Golden values: golden/gen_losses.py computes each loss with PyTorch (float64,
// written from the formulas, independently of this code) on fixed inputs from a
// seeded numpy RNG, and its gradient w.r.t. the student tensor by autograd.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { createLoss, listLosses, type LossContext } from '../loss';

interface Packed {
  shape: number[];
  data: number[];
}
interface GoldenCase {
  loss: { kind: string; [k: string]: unknown };
  student: Packed;
  teacher: Packed;
  value: number;
  grad_student: Packed;
  context?: { student_output: Packed; teacher_output: Packed; target: Packed };
}

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'golden', 'losses.json'), 'utf8')) as { cases: GoldenCase[] };
const tensor = (p: Packed) => tf.tensor(p.data, p.shape, 'float32');

function contextOf(c: GoldenCase): LossContext | undefined {
  if (!c.context) return undefined;
  return {
    target: tensor(c.context.target),
    student: { output: tensor(c.context.student_output), features: {} },
    teacher: { output: tensor(c.context.teacher_output), features: {} },
  };
}

describe('losses against PyTorch golden values', () => {
  it('every registered loss kind has golden cases', () => {
    // Each group of losses keeps its golden cases in its own golden/<group>_losses.json (with its
    // generator gen_<group>_losses.py and its test); every kind must appear in one of them.
    const dir = path.join(__dirname, '..', '..', 'golden');
    const files = fs.readdirSync(dir).filter((f) => /losses\.json$/.test(f));
    const cases = files.flatMap((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { cases: { loss: { kind: string } }[] }).cases);
    const covered = new Set(cases.map((c) => c.loss.kind));
    for (const kind of listLosses()) expect({ kind, covered: covered.has(kind) }).toEqual({ kind, covered: true });
  });

  it.each(golden.cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value (1e-5 relative) and gradient w.r.t. the student', (_l, c) => {
    const loss = createLoss(c.loss);
    const s = tensor(c.student);
    const t = tensor(c.teacher);
    const ctx = contextOf(c);
    const value = loss.compute(s, t, ctx);
    expect(value.shape).toEqual([]);
    expect(Math.abs(value.dataSync()[0] - c.value)).toBeLessThanOrEqual(1e-5 * Math.abs(c.value));

    const grad = tf.grad((x: Tensor) => loss.compute(x, t, ctx))(s);
    const want = tensor(c.grad_student);
    expect(grad.shape).toEqual(want.shape);
    const scale = want.abs().max().dataSync()[0];
    expect(scale).toBeGreaterThan(0);
    expect(grad.sub(want).abs().max().dataSync()[0]).toBeLessThanOrEqual(1e-4 * scale);
    tf.dispose([s, t, value, grad, want]);
    if (ctx) tf.dispose([ctx.target!, ctx.student!.output, ctx.teacher!.output]);
  });
});
