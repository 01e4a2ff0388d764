// Pixel-wise distillation of softened logits for segmentation: Liu et al.,
// "Structured Knowledge Distillation for Semantic Segmentation", CVPR 2019 (the
// pixel-wise term), Hinton et al.'s KD applied at every pixel:
//
//   L = T^2 * mean_{n,h,w} KL( softmax(t_nhw / T) || softmax(s_nhw / T) )
//
// s, t: student and teacher logits [N, H, W, C] (same size). Choices: KL rather than
// the cross-entropy of the authors' code (they differ by the teacher's entropy, a
// constant for the student, so the gradients are equal); temperature T (default 1, as
// Liu et al.) with Hinton's T^2 factor; the mean over all pixels.
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { temperatureKl } from '../temperature-kl';

export class PixelKdLoss extends DistillLoss {
  readonly name = 'pixel-kd';

  constructor(readonly temperature: number) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertRank(student, 4, 'student logits');
    this.assertSameShape(student, teacher);
    return temperatureKl(student, teacher, this.temperature, { timesTSquared: true });
  }
}

const SOURCE: MethodSource = {
  level: 'paper',
  reference: 'Liu, Chen, Liu, Qin, Luo, Wang, "Structured Knowledge Distillation for Semantic Segmentation", CVPR 2019 (pixel-wise distillation); Hinton et al. 2015 for the temperature',
  deviations: ['KL divergence instead of the cross-entropy with the teacher (same gradient)', 'temperature T with the T^2 factor (the paper uses T = 1)'],
};

registerLoss('pixel-kd', z.object({ temperature: z.number().positive().default(1) }).strict(), (o) => new PixelKdLoss(o.temperature), SOURCE);
