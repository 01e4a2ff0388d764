// L2 (mean squared error): mean (s - t)^2 over every element.
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import { elementDistance } from '../distance';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

export class L2Loss extends DistillLoss {
  readonly name = 'l2';

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameShape(student, teacher);
    return elementDistance(student, teacher, 'l2').mean() as Scalar;
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'torch.nn.MSELoss (mean reduction)',
  deviations: [],
};

registerLoss('l2', z.object({}).strict(), () => new L2Loss(), SOURCE);
