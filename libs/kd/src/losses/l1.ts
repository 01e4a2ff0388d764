// L1: mean |s - t| over every element.
//
// Used for the task term (student SR vs the HR target, EDSR's training loss)
// and for output distillation (student SR vs the teacher's SR, e.g. the
// "output KD" baseline of FAKD/LSFD/FACD).
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import { elementDistance } from '../distance';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

export class L1Loss extends DistillLoss {
  readonly name = 'l1';

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameShape(student, teacher);
    return elementDistance(student, teacher, 'l1').mean() as Scalar;
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: "torch.nn.L1Loss (mean reduction), the training loss of EDSR (Lim et al., CVPR-W 2017; sanghyun-son/EDSR-PyTorch src/loss) and the DS/TS terms of FAKD's code (Vincent-Hoo/Knowledge-Distillation-for-Super-resolution code/loss.py)",
  deviations: [],
};

registerLoss('l1', z.object({}).strict(), () => new L1Loss(), SOURCE);
