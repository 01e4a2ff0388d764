// Student-student knowledge sharing by conditional mutual learning, for a cohort of M
// Siamese trackers trained together (the student-student mechanism of Shen et al.,
// "Distilled Siamese Networks for Visual Tracking", TPAMI 2022 / arXiv 1907.10586; the
// abstract gives the idea, "mutual learning between students"; the condition and weights
// below are our choices, stated here, in the domain README and in the table).
//
// student: the cohort output [N, R, R, M*D] (members' responses concatenated, D per member,
// see ../siamese/layout.ts); teacher: the target (term `teacher: target`).
//
//   l_p(n)    = balanced classification loss of member p on sample n (siamese-cls, per sample)
//   c_pq(n)   = 1 if l_q(n) < l_p(n) (peer q is currently better on sample n), else 0
//   L         = sum_p 1/(M-1) sum_{q != p} mean_n c_pq(n) * T^2 * mean_{i,j,k} KL(p^q || p^p)
//
// with p^q = softmax(peer logits / T) held constant (no gradient into the peer through this
// term). A member learns from a peer only on the samples where the peer's loss against the
// ground truth is lower: the better student teaches, the worse one does not pull it back.
// Only the classification responses are shared (not the box regression).
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { stopGradient } from '../stop-gradient';
import { assertHead, balancedCe, clsLogits, headOptions, memberOutput, outputWidth, splitTarget, twoClassKl, type SiameseHead } from '../siamese/layout';

export class ConditionalMutualLoss extends DistillLoss {
  readonly name = 'conditional-mutual';
  override readonly needsSameChannels = false;

  constructor(readonly head: SiameseHead, readonly anchors: number, readonly members: number, readonly temperature: number) {
    super();
    assertHead(this.name, head, anchors);
  }

  compute(student: Tensor, target: Tensor): Scalar {
    const { labels } = splitTarget(this.name, target, this.anchors);
    const width = outputWidth(this.head, this.anchors);
    const M = this.members;
    const T = this.temperature;
    return tf.tidy(() => {
      const logits = Array.from({ length: M }, (_, p) => clsLogits(this.name, memberOutput(this.name, student, M, p, width), this.head, this.anchors));
      const perSample = logits.map((l) => stopGradient(balancedCe(l, labels, true)));
      const n = student.shape[0];
      let total: Tensor = tf.scalar(0);
      for (let p = 0; p < M; p++) {
        for (let q = 0; q < M; q++) {
          if (p === q) continue;
          // l_q < l_p as a step (zero gradient): comparison ops have no gradient in TF.js.
          const better = tf.step(perSample[p].sub(perSample[q]));
          const kl = twoClassKl(logits[p], stopGradient(logits[q]), T).reshape([n, -1]).mean(1).mul(T * T);
          total = total.add(kl.mul(better).mean().div(M - 1));
        }
      }
      return total as Scalar;
    });
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Shen, Liu, Dong, Lu, Khan, Hoi, Distilled Siamese Networks for Visual Tracking, TPAMI 2022 (arXiv 1907.10586): student-student knowledge sharing; mutual learning form after Zhang et al., Deep Mutual Learning, CVPR 2018',
  deviations: [
    'condition (peer better on the sample by its ground-truth classification loss), per-sample gating, T and the 1/(M-1) weights are our choices',
    'classification responses only; box regression is not shared',
  ],
};

registerLoss(
  'conditional-mutual',
  z.object({ ...headOptions, members: z.number().int().min(2).default(2), temperature: z.number().positive().default(1) }).strict(),
  (o) => new ConditionalMutualLoss(o.head, o.anchors, o.members, o.temperature),
  SOURCE,
);
