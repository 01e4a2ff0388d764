// SiamRPN's box regression (Li et al., CVPR 2018): the deltas of positive anchors,
//
//   L = mean_n  sum_{positive anchors a of sample n} |r_a - y_a|_1 / (P_n + 1e-6)
//
// r_a = (dx, dy, dw, dh) predicted, y_a = ((gx - ax)/aw, (gy - ay)/ah, log(gw/aw), log(gh/ah)),
// P_n the positives of sample n. The paper names a smooth L1 loss on normalised coordinates;
// this is the L1 form of pysot's weight_l1_loss (the SiamRPN family's maintained code), which
// the trackers trained in kdlab use. Negative and ignored anchors do not contribute.
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { regDeltas, splitTarget } from '../siamese/layout';
import { positiveMean } from '../siamese/positives';

export class RpnRegLoss extends DistillLoss {
  readonly name = 'rpn-reg';
  override readonly needsSameChannels = false;

  constructor(readonly anchors: number) {
    super();
  }

  compute(student: Tensor, target: Tensor): Scalar {
    const { labels, deltas } = splitTarget(this.name, target, this.anchors);
    const l1 = regDeltas(this.name, student, this.anchors).sub(deltas).abs().sum(-1);
    return positiveMean(l1, labels) as Scalar;
  }
}

const SOURCE: MethodSource = {
  level: 'paper',
  reference: 'Li et al., High Performance Visual Tracking with Siamese Region Proposal Network, CVPR 2018; normalisation as pysot weight_l1_loss',
  deviations: ['L1 (pysot) instead of the paper\'s smooth L1'],
};

registerLoss('rpn-reg', z.object({ anchors: z.number().int().positive().default(5) }).strict(), (o) => new RpnRegLoss(o.anchors), SOURCE);
