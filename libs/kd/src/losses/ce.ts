// Cross-entropy: the classification task loss (a term against the target).
//
//   L = sum_p mean_n [ -sum_c y_nc log softmax(z^p_n)_c ]
//
// z: the student's logits [N, C], or a peer cohort's [N, P*C] (peer p = columns
// [p*C, (p+1)*C)); y: the target [N, C], one-hot labels (or any distribution).
// Choices: peers' losses are summed, not averaged, as in DML/MCL training code
// (Zhang et al. 2018; Yang et al. 2022), so each peer's gradient is that of a
// network trained alone; P is read from the widths (student = P x target).
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { splitPeers } from '../peer-logits';

export class CrossEntropyLoss extends DistillLoss {
  readonly name = 'ce';
  override readonly needsSameChannels = false;

  compute(student: Tensor, target: Tensor): Scalar {
    this.assertRank(student, 2, 'student logits');
    this.assertRank(target, 2, 'target');
    return tf.tidy(() => {
      const losses = splitPeers(student, target.shape[1] as number, this.name).map((z) => tf.neg(target.mul(tf.logSoftmax(z)).sum(1).mean()));
      return tf.addN(losses) as Scalar;
    });
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: "torch.nn.CrossEntropyLoss (mean over the batch); peers' losses summed as in DML and MCL (winycg/MCL main_cifar.py)",
  deviations: [],
};

registerLoss('ce', z.object({}).strict(), () => new CrossEntropyLoss(), SOURCE);
