// Hinton KD: Hinton, Vinyals, Dean, "Distilling the Knowledge in a Neural
// Network", NIPS Deep Learning Workshop 2014.
//
//   L = T^2 * mean_n KL( softmax(t_n / T) || softmax(s_n / T) )
//     = T^2 * mean_n sum_c p^t_nc (log p^t_nc - log p^s_nc)
//
// s, t: student and teacher logits [N, C]. Choices: the T^2 factor keeps the
// gradient scale independent of T (as the paper says); the mean over the batch
// ("batchmean") and T = 4 by default follow the CIFAR KD benchmark code (Tian et
// al., CRD, ICLR 2020), where the term is weighted 0.9 against 0.1 for the
// cross-entropy. The teacher's logits are constants (its model is frozen and
// runs outside the gradient tape).
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { temperatureKl } from '../temperature-kl';

export class HintonKdLoss extends DistillLoss {
  readonly name = 'kd';

  constructor(readonly temperature: number) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertRank(student, 2, 'student logits');
    this.assertSameShape(student, teacher);
    return temperatureKl(student, teacher, this.temperature, { timesTSquared: true });
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Hinton, Vinyals, Dean, Distilling the Knowledge in a Neural Network, 2015; DistillKL of CRD/RepDistiller distiller_zoo/KD.py (T^2 * batch-mean KL)',
  deviations: [],
};

registerLoss('kd', z.object({ temperature: z.number().positive().default(4) }).strict(), (o) => new HintonKdLoss(o.temperature), SOURCE);
