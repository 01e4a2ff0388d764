// C2-Matching's teacher–student correlation distillation.
// Jiang, Chan, Wang, Loy, Liu, "Robust Reference-based Super-Resolution via C2-Matching", CVPR 2021.
// Official code read: yumingj/C2-Matching@6d60149, mmsr/models/student_contras_distillation_model.py
// (loss_function) and options/train/stage2_student_contras_network.yml (temperature 0.15, distill_weight 15).
//
// The teacher matches the HR input against the reference, the student the bicubic-upsampled LR input
// against the same reference. compute(s1, t1, context): s1 / t1 [N, h, w, C] the student's / teacher's
// view-1 descriptors, context.reference.{student, teacher} their view-2 descriptors, and
// context.correspondence the ground-truth matches (see ../two-view.ts; the same matched cells as
// c2-triplet). Per sample, over its n matched cells (descriptors L2-normalised):
//   C_S = D1_S · D2_Sᵀ / τ,   C_T = D1_T · D2_Tᵀ / τ          (n × n: row k = view-1 cell k against every partner)
//   KL  = 1/n · Σ_k Σ_l softmax(C_T)_kl · (log softmax(C_T)_kl − log softmax(C_S)_kl)
// i.e. F.kl_div(log_softmax(C_S), softmax(C_T), reduction='batchmean') over the rows; no τ² factor (as
// released). Samples with fewer than `minMatches` (128) matches are skipped (they are skipped for the whole
// objective in the released loop); the result is the mean over the kept samples. The weight 15 and the
// student's own contrastive loss (c2-triplet, weight 1) are separate terms of the method config, as in the
// released total loss = triplet + 15 · KL. The teacher side is a constant (the released teacher is not optimised).
// `packed` (added for experiments/ref-sr): student and teacher tensors each hold view 1 ⊕ view 2 descriptors on
// the channel axis (the contras-pair model's output); they are split in half instead of reading context.reference.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor2D } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss, type LossContext } from '../loss';
import { stopGradient } from '../stop-gradient';
import { unpackViews } from './c2-triplet';
import { matchedSamples, normaliseRows, twoViewOptions, type TwoViewLossOptions } from '../two-view';

export class C2CorrelationKdLoss extends DistillLoss {
  readonly name = 'c2-correlation-kd';
  // Correlations are width-free: the teacher's descriptor width may differ from the student's.
  override readonly needsSameChannels = false;

  constructor(readonly opts: TwoViewLossOptions & { temperature: number; packed?: boolean }) {
    super();
  }

  compute(studentIn: Tensor, teacherIn: Tensor, context?: LossContext): Scalar {
    if (this.opts.packed) {
      const [s1, s2] = unpackViews(this.name, studentIn);
      const [t1, t2] = unpackViews(this.name, teacherIn);
      return this.computeViews(s1, t1, { ...context, reference: { student: s2, teacher: t2 } });
    }
    return this.computeViews(studentIn, teacherIn, context);
  }

  private computeViews(student: Tensor, teacher: Tensor, context?: LossContext): Scalar {
    const ref = context?.reference;
    if (!ref) throw new Error(`loss '${this.name}': needs context.reference {student, teacher}: both networks' view-2 (reference) descriptors`);
    for (const [what, a, b] of [['student', student, ref.student], ['teacher', teacher, ref.teacher]] as const) {
      if (a.rank !== 4 || b.rank !== 4 || a.shape[3] !== b.shape[3]) {
        throw new Error(`loss '${this.name}': the ${what}'s view-1 [${a.shape}] and view-2 [${b.shape}] descriptors must be NHWC with the same channels`);
      }
    }
    if (student.shape.slice(0, 3).join() !== teacher.shape.slice(0, 3).join() || ref.student.shape.slice(0, 3).join() !== ref.teacher.shape.slice(0, 3).join()) {
      throw new Error(`loss '${this.name}': student and teacher need the same feature grids (view 1: [${student.shape}] vs [${teacher.shape}], `
        + `view 2: [${ref.student.shape}] vs [${ref.teacher.shape}])`);
    }
    const samples = matchedSamples(this.name, student, ref.student, context, this.opts);
    const tau = this.opts.temperature;
    const descriptors = (x: Tensor, b: number, flat: Int32Array): Tensor2D => {
      const [, h, w, c] = x.shape;
      return normaliseRows(tf.gather(x.slice([b, 0, 0, 0], [1, h, w, c]).reshape([h * w, c]), tf.tensor1d(flat, 'int32')) as Tensor2D);
    };
    return tf.tidy(() => {
      const t1 = stopGradient(teacher);
      const t2 = stopGradient(ref.teacher);
      const perSample: Scalar[] = [];
      samples.forEach((m, b) => {
        if (m.count < this.opts.minMatches) return;
        const logS = tf.logSoftmax(tf.matMul(descriptors(student, b, m.flat1), descriptors(ref.student, b, m.flat2), false, true).div(tau));
        const logT = tf.logSoftmax(tf.matMul(descriptors(t1, b, m.flat1), descriptors(t2, b, m.flat2), false, true).div(tau));
        perSample.push(logT.exp().mul(logT.sub(logS)).sum().div(m.count) as Scalar);
      });
      return tf.addN(perSample).div(perSample.length) as Scalar;
    });
  }
}

const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Jiang et al., Robust Reference-based Super-Resolution via C2-Matching, CVPR 2021; yumingj/C2-Matching@6d60149 '
    + 'mmsr/models/student_contras_distillation_model.py (loss_function), options/train/stage2_student_contras_network.yml',
  deviations: [
    'the weight 15 and the student contrastive term are set in the method config (two terms), not inside this loss',
    "view 2's valid region uses view 2's own feature size (released: view 1's; equal for its equal-size crops)",
  ],
};

registerLoss(
  'c2-correlation-kd',
  z.object({ temperature: z.number().positive().default(0.15), packed: z.boolean().default(false), ...twoViewOptions }).strict(),
  (o) => new C2CorrelationKdLoss(o),
  SOURCE,
);
