// Teacher-bounded regression (Chen et al., "Learning Efficient Object Detection Models with
// Knowledge Distillation", NeurIPS 2017, eq. 4), on SiamRPN's box deltas: the teacher's
// regression is an upper bound the student should reach, not a target to copy:
//
//   L_b(a) = |r^s_a - y_a|^2   if |r^s_a - y_a|^2 + m > |r^t_a - y_a|^2,   else 0
//   L      = mean_n  sum_{positive anchors a of sample n} L_b(a) / (P_n + 1e-6)
//
// y: the ground-truth deltas (from the target, in LossContext.target), r^s / r^t: student and
// teacher deltas, m: the margin (Chen et al.'s form; m = 0 penalises exactly the anchors where
// the student is worse than the teacher). Only positive anchors have a regression target;
// the normalisation is rpn-reg's. The distilled Siamese trackers (Shen et al., arXiv
// 1907.10586) name teacher-bounded regression in their teacher-student module; the margin and
// normalisation are our choices.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss, type LossContext } from '../loss';
import { regDeltas, splitTarget } from '../siamese/layout';
import { positiveMean } from '../siamese/positives';

export class TeacherBoundedRegLoss extends DistillLoss {
  readonly name = 'teacher-bounded-reg';
  override readonly needsSameChannels = false;

  constructor(readonly anchors: number, readonly margin: number) {
    super();
  }

  compute(student: Tensor, teacher: Tensor, context?: LossContext): Scalar {
    if (!context?.target) throw new Error(`loss '${this.name}': needs the ground truth (LossContext.target) for the bound`);
    const { labels, deltas } = splitTarget(this.name, context.target, this.anchors);
    return tf.tidy(() => {
      const es = regDeltas(this.name, student, this.anchors).sub(deltas).square().sum(-1);
      const et = regDeltas(this.name, teacher, this.anchors).sub(deltas).square().sum(-1);
      // step (1 where > 0, else 0; zero gradient): comparison ops have no gradient in TF.js.
      const active = tf.step(es.add(this.margin).sub(et));
      return positiveMean(es.mul(active), labels) as Scalar;
    });
  }
}

const SOURCE: MethodSource = {
  level: 'paper',
  reference: 'Chen et al., Learning Efficient Object Detection Models with Knowledge Distillation, NeurIPS 2017 (eq. 4), on SiamRPN box deltas as named by Shen et al., Distilled Siamese Networks for Visual Tracking, arXiv 1907.10586',
  deviations: ['margin m = 0 by default; normalised per sample by the number of positive anchors (as rpn-reg)'],
};

registerLoss('teacher-bounded-reg', z.object({ anchors: z.number().int().positive().default(5), margin: z.number().nonnegative().default(0) }).strict(), (o) => new TeacherBoundedRegLoss(o.anchors, o.margin), SOURCE);
