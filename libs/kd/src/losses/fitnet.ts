// FitNet / feature distillation (FD).
// Romero et al., "FitNets: Hints for Thin Deep Nets", ICLR 2015; used on SR
// trunks as the "FD" baseline by FAKD, LSFD and FACD.
//
//   L = mean_{n,h,w,c} d(A(F_s) - F_t),   d = (.)^2 (distance 'l2', default) or |.| ('l1')
//
// F_s, F_t: student and teacher features of the same tap (NHWC or any shape);
// A: the term's adapter (regressor), not part of this loss: `convreg` (1x1 conv +
// BatchNorm + ReLU) is CRD/RepDistiller's ConvReg, `conv1x1` a linear one; the
// objective inserts a conv1x1 when the widths differ and none is named. With
// 'l2' this is RepDistiller's HintLoss (nn.MSELoss, the mean, not FitNet's 1/2
// sum, so the weight does not depend on the feature size). The classification
// recipe (CRD's: one hint at the stage-2 output, ConvReg, beta = 100) is
// experiments/classification/configs/methods/fitnet.yaml.
// Option `resolution: pool` (pixel distillation; our choice, FitNet is not in the released
// pixel-distillation code): the larger map (the HR teacher's) is average-pooled to the smaller's
// size, the convention of that code's AT loss; see ../resolution.ts.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import { distanceOption, elementDistance, type Distance } from '../distance';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { matchResolution, resolutionOption, type ResolutionMatch } from '../resolution';

export class FitNetLoss extends DistillLoss {
  readonly name = 'fitnet';

  constructor(readonly distance: Distance, readonly resolution?: ResolutionMatch) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    return tf.tidy(() => {
      const [s, t] = this.resolution === 'pool' ? matchResolution(student, teacher, this.name) : [student, teacher];
      this.assertSameShape(s, t);
      return elementDistance(s, t, this.distance).mean() as Scalar;
    });
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

registerLoss('fitnet', z.object({ distance: distanceOption.default('l2'), resolution: resolutionOption }).strict(), (o) => new FitNetLoss(o.distance, o.resolution), SOURCE);
