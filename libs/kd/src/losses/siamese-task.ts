// The ground-truth objective of a Siamese tracker as one term (what a teacher trained by the
// runner's `teacher.train.loss` needs, and the students' task term):
//
//   siamfc:  siamese-cls                                  (SiamFC's balanced logistic loss)
//   siamrpn: clsWeight * siamese-cls + locWeight * rpn-reg (pysot: CLS_WEIGHT 1, LOC_WEIGHT 1.2)
//
// See siamese-cls.ts and rpn-reg.ts for the two parts.
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import { tf } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { headOptions, type SiameseHead } from '../siamese/layout';
import { SiameseClsLoss } from './siamese-cls';
import { RpnRegLoss } from './rpn-reg';

export class SiameseTaskLoss extends DistillLoss {
  readonly name = 'siamese-task';
  override readonly needsSameChannels = false;
  private readonly cls: SiameseClsLoss;
  private readonly reg?: RpnRegLoss;

  constructor(readonly head: SiameseHead, readonly anchors: number, readonly clsWeight: number, readonly locWeight: number) {
    super();
    this.cls = new SiameseClsLoss(head, anchors);
    if (head === 'siamrpn') this.reg = new RpnRegLoss(anchors);
  }

  compute(student: Tensor, target: Tensor): Scalar {
    return tf.tidy(() => {
      const cls = this.cls.compute(student, target).mul(this.clsWeight);
      return (this.reg ? cls.add(this.reg.compute(student, target).mul(this.locWeight)) : cls) as Scalar;
    });
  }
}

const SOURCE: MethodSource = {
  level: 'paper',
  reference: 'SiamFC (Bertinetto et al., ECCVW 2016) and SiamRPN (Li et al., CVPR 2018) training objectives; weights as pysot (CLS_WEIGHT 1, LOC_WEIGHT 1.2)',
  deviations: ['see siamese-cls and rpn-reg'],
};

registerLoss(
  'siamese-task',
  z.object({ ...headOptions, clsWeight: z.number().nonnegative().default(1), locWeight: z.number().nonnegative().default(1.2) }).strict(),
  (o) => new SiameseTaskLoss(o.head, o.anchors, o.clsWeight, o.locWeight),
  SOURCE,
);
