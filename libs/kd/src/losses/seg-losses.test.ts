// Golden values: golden/gen_seg_losses.py computes each segmentation loss with PyTorch
// (float64, from the definitions, independently of this code) on fixed inputs, with
// autograd gradients w.r.t. the student, w.r.t. the learned weights (the factor-transfer
// translator), the WGAN-GP critic objective (gradient penalty by double backprop) w.r.t.
// the critic weights, and the paraphraser's reconstruction objective.
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import { auxiliaryOf } from '../auxiliary';
import { createLoss, lossSource } from '../loss';
import type { Taps } from '../taps';
import type { FactorTransferLoss } from './factor-transfer';
import type { WganGpLoss } from './wgan-gp';
import { readGoldenCases, unpack, type Packed } from '../testing/golden';

interface GoldenCase {
  loss: { kind: string; [k: string]: unknown };
  student: Packed;
  teacher: Packed;
  value: number;
  grad_student: Packed;
  student_partner?: Packed;
  teacher_partner?: Packed;
  grad_student_partner?: Packed;
  weights?: Packed[];
  grad_weights?: Packed[];
  eps?: Packed;
  critic_value?: number;
  grad_critic_weights?: Packed[];
  paraphraser?: Packed[];
  reconstruction_value?: number;
  grad_paraphraser?: Packed[];
}

const cases = readGoldenCases<GoldenCase>('seg_losses.json');
const channels = (p: Packed) => p.shape[p.shape.length - 1];

function expectClose(got: Tensor, want: Packed, rel: number): void {
  const w = unpack(want);
  expect(got.shape).toEqual(w.shape);
  // An all-zero reference (the critic's last bias cancels between D(fake) and D(real)) is checked absolutely.
  const scale = w.abs().max().dataSync()[0];
  expect(got.sub(w).abs().max().dataSync()[0]).toBeLessThanOrEqual(scale > 0 ? rel * scale : 1e-6);
  w.dispose();
}

const expectValue = (got: Scalar, want: number) => expect(Math.abs(got.dataSync()[0] - want)).toBeLessThanOrEqual(1e-4 * Math.abs(want) + 1e-6);

function context(c: GoldenCase, sb?: Tensor) {
  if (!c.student_partner) return undefined;
  const partner = c.loss.partner as string;
  return {
    student: { output: tf.zeros([1]), features: { [partner]: sb ?? unpack(c.student_partner) } } as Taps,
    teacher: { output: tf.zeros([1]), features: { [partner]: unpack(c.teacher_partner!) } } as Taps,
  };
}

describe('segmentation losses against PyTorch golden values', () => {
  it('covers pixel-ce, pixel-kd, skd-pairwise, coco-correlation, wgan-gp and factor-transfer, each with a source', () => {
    const kinds = new Set(cases.map((c) => c.loss.kind));
    for (const k of ['pixel-ce', 'pixel-kd', 'skd-pairwise', 'coco-correlation', 'wgan-gp', 'factor-transfer']) {
      expect(kinds).toContain(k);
      expect(lossSource(k)?.reference.length).toBeGreaterThan(10);
    }
    expect(lossSource('coco-correlation')?.level).toBe('abstract-only');
  });

  it.each(cases.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value and gradients', (_l, c) => {
    const loss = createLoss(c.loss);
    const s = unpack(c.student);
    const t = unpack(c.teacher);
    if (c.weights || c.loss.kind === 'wgan-gp') {
      loss.build({ student: channels(c.student), teacher: channels(c.teacher) }, 0);
    }
    if (c.loss.kind === 'factor-transfer') {
      const ft = loss as FactorTransferLoss;
      const aux = auxiliaryOf(ft)!;
      ft.trainableWeights.forEach((v, i) => v.assign(unpack(c.weights![i])));
      aux.weights.forEach((v, i) => v.assign(unpack(c.paraphraser![i])));
      // Pre-training: the term is 0 and the paraphraser trains; afterwards it is frozen and the term is on.
      expect(aux.beginStep(0)).toBe(true);
      expect(ft.compute(s, t).dataSync()[0]).toBe(0);
      expectValue(aux.loss(s, t), c.reconstruction_value!);
      const { grads } = tf.variableGrads(() => aux.loss(s, t), aux.weights);
      aux.weights.forEach((v, i) => expectClose(grads[v.name], c.grad_paraphraser![i], 1e-3));
      expect(aux.beginStep(c.loss.pretrainSteps as number)).toBe(false);
    } else if (c.weights) {
      const critic = auxiliaryOf(loss)!;
      critic.weights.forEach((v, i) => v.assign(unpack(c.weights![i])));
    }
    const ctx = context(c);
    expectValue(loss.compute(s, t, ctx), c.value);
    expectClose(tf.grad((x: Tensor) => loss.compute(x, t, ctx))(s), c.grad_student, 1e-3);
    if (c.grad_student_partner) expectClose(tf.grad((x: Tensor) => loss.compute(s, t, context(c, x)))(unpack(c.student_partner!)), c.grad_student_partner, 1e-3);
    if (c.grad_weights) {
      const { grads } = tf.variableGrads(() => loss.compute(s, t, ctx), loss.trainableWeights);
      loss.trainableWeights.forEach((v, i) => expectClose(grads[v.name], c.grad_weights![i], 1e-3));
    }
    if (c.loss.kind === 'wgan-gp') {
      const w = loss as WganGpLoss;
      const critic = auxiliaryOf(w)!;
      expect(loss.trainableWeights).toEqual([]); // the critic is never trained by the student's optimiser
      const eps = unpack(c.eps!);
      const objective = () => w.criticLoss(tf.softmax(s), tf.softmax(t), eps);
      expectValue(objective(), c.critic_value!);
      const { grads } = tf.variableGrads(objective, critic.weights);
      critic.weights.forEach((v, i) => expectClose(grads[v.name], c.grad_critic_weights![i], 1e-3));
    }
    loss.dispose();
  });
});
