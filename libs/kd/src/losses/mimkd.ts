// MIMKD: Shrivastava, Qi, Ordonez, "Estimating and Maximizing Mutual
// Information for Knowledge Distillation", arXiv:2110.15946. Source note: an
// abstract-only reading (see SOURCE below): the abstract says the student
// maximises a lower bound on the mutual information between teacher and student
// representations; the estimator, critic and levels below are our choices. The
// bound is the Jensen-Shannon estimator of Deep InfoMax (Hjelm et al., ICLR 2019,
// eq. 4; Nowozin et al. 2016):
//
//   I_JSD(X; Y) >= E_P[-sp(-T(x, y))] - E_{P_X x P_Y}[sp(T(x, y'))]      sp = softplus
//   L = -( (log 2 - mean_pos sp(-T)) - (mean_neg sp(T) - log 2) )
//
// The critic T(x, y) = phi_s(x) . phi_t(y) ("encode-and-dot", as DIM's code):
// phi_s, phi_t are two-layer MLPs (Linear-ReLU-Linear to `embed` dims), the
// learned weights of this loss, trained with the student. Positive pairs come
// from the same image, negatives pair an image with the other images of the
// batch (all b(b-1) of them).
//   level 'global': x = the student's penultimate features [N, Ds] (a feature
//     map is average-pooled first), y = the teacher's penultimate features;
//     T is a b x b matrix, positives on its diagonal.
//   level 'local': x = every spatial position of a student feature map
//     [N, H, W, Cs] (phi_s acts on each position, a 1x1-conv MLP), y = the
//     teacher's penultimate features (pooled if a map): DIM's local objective,
//     each student location must predict the teacher's summary of its image.
// Choices: DIM's log 2 offsets are kept, so L = -I_JSD exactly (its minimum is
// -2 log 2); phi hidden width = embed = 128 by default; the teacher side is a
// constant input (frozen teacher), but phi_t learns.
import { z } from 'zod';
import { tf, Rng } from '@kdlab/engine';
import type { Scalar, Tensor, Variable } from '@kdlab/engine';
import { createAdapter, type Adapter } from '../adapter';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

const LOG2 = Math.log(2);

/** [N, ..., C] -> [N, C]: average over every axis between batch and channels. */
function pooled(x: Tensor): Tensor {
  return x.rank === 2 ? x : x.mean(Array.from({ length: x.rank - 2 }, (_, i) => i + 1));
}

/**
 * -I_JSD from critic scores [N, M, N]: entry (i, m, j) scores student item (i, m) against
 * teacher image j; positives where j = i.
 */
export function jsdLoss(scores: Tensor): Scalar {
  return tf.tidy(() => {
    const [n, m] = scores.shape;
    const pos = tf.eye(n).reshape([n, 1, n]).tile([1, m, 1]);
    const neg = tf.onesLike(pos).sub(pos);
    const ePos = tf.scalar(LOG2).sub(tf.softplus(scores.neg()).mul(pos).sum().div(n * m));
    const eNeg = tf.softplus(scores).mul(neg).sum().div(n * m * (n - 1)).sub(LOG2);
    return eNeg.sub(ePos) as Scalar;
  });
}

export class MimkdLoss extends DistillLoss {
  readonly name = 'mimkd';
  override readonly needsSameChannels = false;
  private heads: { student: Adapter; teacher: Adapter } | null = null;

  constructor(readonly level: 'global' | 'local', readonly embed: number, readonly hidden: number) {
    super();
  }

  override build(channels: { student?: number; teacher?: number }, seed: number): void {
    if (!channels.student || !channels.teacher) throw new Error(`loss 'mimkd': its critic needs the channel counts of both taps (got ${JSON.stringify(channels)})`);
    const rng = new Rng(seed);
    const head = (inChannels: number) => createAdapter({ kind: 'mlp', inChannels, outChannels: this.embed, hidden: this.hidden }, rng.seed());
    this.heads = { student: head(channels.student), teacher: head(channels.teacher) };
  }

  override get trainableWeights(): Variable[] {
    return this.heads ? [...this.heads.student.trainableWeights, ...this.heads.teacher.trainableWeights] : [];
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    const heads = this.heads;
    if (!heads) throw new Error("loss 'mimkd': build() was not called (the objective builds its critic from the taps' channels)");
    const n = student.shape[0];
    if (teacher.shape[0] !== n || n < 2) throw new Error(`loss 'mimkd': needs the same batch of at least 2 images on both sides (negatives are the other images), got [${student.shape}] and [${teacher.shape}]`);
    if (this.level === 'local') this.assertRank(student, 4, 'student (local level)');
    return tf.tidy(() => {
      const t = heads.teacher.apply(pooled(teacher)); // [N, d]
      const s = this.level === 'global' ? heads.student.apply(pooled(student)).reshape([n, 1, this.embed]) : heads.student.apply(student).reshape([n, -1, this.embed]);
      const scores = s.reshape([-1, this.embed]).matMul(t, false, true).reshape([n, s.shape[1] as number, n]);
      return jsdLoss(scores);
    });
  }

  override dispose(): void {
    this.heads?.student.dispose();
    this.heads?.teacher.dispose();
    this.heads = null;
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: "Shrivastava, Qi, Ordonez, Estimating and Maximizing Mutual Information for Knowledge Distillation, arXiv:2110.15946: abstract only; the estimator is Deep InfoMax's Jensen-Shannon bound (Hjelm et al., ICLR 2019, eq. 4)",
  deviations: [
    'the critic (encode-and-dot with two-layer MLPs, 128 dims), the global/local levels and the log 2 offsets are our choices after Deep InfoMax',
    'the critic trains jointly with the student (no separate critic schedule)',
  ],
};

registerLoss(
  'mimkd',
  z
    .object({
      level: z.enum(['global', 'local']).default('global'),
      embed: z.number().int().positive().default(128),
      hidden: z.number().int().positive().default(128),
    })
    .strict(),
  (o) => new MimkdLoss(o.level, o.embed, o.hidden),
  SOURCE,
);
