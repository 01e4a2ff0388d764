// The classification loss of Siamese trackers: SiamFC's logistic loss on the response map
// (Bertinetto et al., "Fully-Convolutional Siamese Networks for Object Tracking", ECCVW 2016)
// and SiamRPN's anchor classification (Li et al., "High Performance Visual Tracking with
// Siamese Region Proposal Network", CVPR 2018), both class-balanced:
//
//   L = 0.5 * mean_{positives} -log p_fg + 0.5 * mean_{negatives} -log p_bg
//
// over the whole batch; p = softmax of the anchor's (bg, fg) logits, for SiamFC the pair
// (0, s), i.e. the logistic loss. The balance is SiamFC's (positives and negatives weighted to
// equal total mass) and pysot's select_cross_entropy_loss for SiamRPN; ignored anchors (label
// -1) are left out; which anchors are positive, negative or sampled is decided by the task
// when it builds the target (see ../siamese/layout.ts for the layouts).
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { assertHead, balancedCe, clsLogits, headOptions, splitTarget, type SiameseHead } from '../siamese/layout';

export class SiameseClsLoss extends DistillLoss {
  readonly name = 'siamese-cls';
  override readonly needsSameChannels = false;

  constructor(readonly head: SiameseHead, readonly anchors: number) {
    super();
    assertHead(this.name, head, anchors);
  }

  /** `teacher` is the target tensor (teacher: target in the term). */
  compute(student: Tensor, target: Tensor): Scalar {
    const { labels } = splitTarget(this.name, target, this.anchors);
    return balancedCe(clsLogits(this.name, student, this.head, this.anchors), labels, false) as Scalar;
  }
}

const SOURCE: MethodSource = {
  level: 'paper',
  reference: 'Bertinetto et al., Fully-Convolutional Siamese Networks for Object Tracking, ECCVW 2016 (balanced logistic loss); Li et al., SiamRPN, CVPR 2018 (anchor classification; balance as pysot select_cross_entropy_loss)',
  deviations: ['one formula for both heads: SiamFC logits as the two-class pair (0, s)'],
};

registerLoss('siamese-cls', z.object(headOptions).strict(), (o) => new SiameseClsLoss(o.head, o.anchors), SOURCE);
