// L1: mean |s - t| over every element.
//
// Used for the task term (student SR vs the HR target, EDSR's training loss)
// and for output distillation (student SR vs the teacher's SR, e.g. the
// "output KD" baseline of FAKD/LSFD/FACD).
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import { elementDistance } from '../distance';
import { DistillLoss, registerLoss } from '../loss';

export class L1Loss extends DistillLoss {
  readonly name = 'l1';

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameShape(student, teacher);
    return elementDistance(student, teacher, 'l1').mean() as Scalar;
  }
}

registerLoss('l1', z.object({}).strict(), () => new L1Loss());
