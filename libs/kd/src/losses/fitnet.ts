// FitNet / feature distillation (FD).
// Romero et al., "FitNets: Hints for Thin Deep Nets", ICLR 2015; used on SR
// trunks as the "FD" baseline by FAKD, LSFD and FACD.
//
//   L = mean_{n,h,w,c} d(A(F_s) - F_t),   d = (.)^2 (distance 'l2', default) or |.| ('l1')
//
// F_s, F_t: student and teacher features of the same tap (NHWC or any shape);
// A: the adapter (1x1 conv regressor) that DistillationObjective inserts when
// the widths differ — not part of this loss. Choices: the mean (not FitNet's
// 1/2 sum) so that the weight does not depend on the feature size; 'l2' as the
// default because FitNet's hint loss is Euclidean.
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import { distanceOption, elementDistance, type Distance } from '../distance';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

export class FitNetLoss extends DistillLoss {
  readonly name = 'fitnet';

  constructor(readonly distance: Distance) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameShape(student, teacher);
    return elementDistance(student, teacher, this.distance).mean() as Scalar;
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Romero et al., FitNets: Hints for Thin Deep Nets, ICLR 2015; as HintLoss (nn.MSELoss, mean) of CRD/RepDistiller distiller_zoo/FitNet.py',
  deviations: [
    "the regressor (RepDistiller's ConvReg) is the term's adapter, not part of this loss",
    "the 'l1' distance is an addition, not in FitNets",
  ],
};

registerLoss('fitnet', z.object({ distance: distanceOption.default('l2') }).strict(), (o) => new FitNetLoss(o.distance), SOURCE);
