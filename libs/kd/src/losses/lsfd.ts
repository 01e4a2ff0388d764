// LSFD: local-selective feature distillation.
// Park, Kwak, "Local-Selective Feature Distillation for Single Image
// Super-Resolution", arXiv:2111.10988.
//
// The paper modifies FitNet-style FD for SR in two ways: features are compared
// locally (local feature information instead of the plain per-position match),
// and a soft attention computed from the teacher-student difference selects the
// positions to distil. Source note: only the abstract was available to us when
// this was written (no method section, no official code); the formula below
// follows it and issue 4's description, and every detail we had to fix is
// listed. Revisit it against the paper's equations.
//
// For student features s (after the adapter) and teacher features t, [N,H,W,C]:
//   e(p)  = mean_c d(s_c(p) - t_c(p))                 d = (.)^2 ('l2', default) or |.| ('l1')
//   D(p)  = mean of e over the k x k window around p  (kernel k, default 3; windows cut at the border)
//   a(p)  = softmax_p( sg(D(p)) / (tau * mean_q sg(D(q)) + eps) )   over the H*W positions of each image
//   L     = 1/N * sum_n sum_p a_n(p) D_n(p)
// Choices:
//  - "local": the k x k window average of the per-position distance, i.e. the
//    distance between the k x k neighbourhood patches of student and teacher
//    (unfolded, compared element-wise); at the border the window holds only
//    in-image positions (TF 'same' average pooling, PyTorch count_include_pad=False);
//  - "selective": positions where the student is farther from the teacher get
//    more weight; the attention is a softmax over positions of the local
//    distance divided by its per-image mean (so it does not depend on the
//    features' scale) and by the temperature tau (default 1; large tau -> plain
//    local FD); sg = stop-gradient: the attention is a weight, not optimised;
//  - attention weights sum to 1 per image, so L is a weighted mean of D;
//    eps = 1e-7; kernel 1 gives selective (non-local) FD.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D } from '@kdlab/engine';
import { distanceOption, elementDistance, type Distance } from '../distance';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { stopGradient } from '../stop-gradient';

const EPS = 1e-7;

export interface LsfdOptions {
  kernel: number;
  temperature: number;
  distance: Distance;
}

export class LsfdLoss extends DistillLoss {
  readonly name = 'lsfd';

  constructor(readonly opts: LsfdOptions) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameShape(student, teacher);
    this.assertRank(student, 4, 'student');
    const [n, h, w] = student.shape;
    const { kernel, temperature } = this.opts;
    return tf.tidy(() => {
      const e = elementDistance(student, teacher, this.opts.distance).mean(-1, true) as Tensor4D;
      const local = (kernel === 1 ? e : tf.avgPool(e, kernel, 1, 'same')).reshape([n, h * w]);
      const fixed = stopGradient(local);
      const attention = tf.softmax(fixed.div(fixed.mean(1, true).mul(temperature).add(EPS)));
      return attention.mul(local).sum(1).mean() as Scalar;
    });
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Park, Kwak, Local-Selective Feature Distillation for Single Image Super-Resolution, arXiv:2111.10988: abstract only',
  deviations: [
    "'local' read as a k x k window average of the per-position distance (k = 3)",
    "'selective' read as a softmax attention over positions of the stop-gradient local distance divided by its per-image mean (temperature 1)",
    'eps 1e-7',
  ],
};

registerLoss(
  'lsfd',
  z
    .object({
      kernel: z.number().int().min(1).refine((k) => k % 2 === 1, 'must be odd').default(3),
      temperature: z.number().positive().default(1),
      distance: distanceOption.default('l2'),
    })
    .strict(),
  (o) => new LsfdLoss(o),
  SOURCE,
);
