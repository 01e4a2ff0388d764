// Pixel-wise cross-entropy: the segmentation task loss (a term against the target).
//
//   L = mean_{n,h,w} [ -sum_c y_nhwc log softmax(z_nhw)_c ]
//
// z: logits [N, H, W, C]; y: one-hot (or soft) targets of the same shape. The mean over
// every pixel is torch.nn.CrossEntropyLoss's default reduction on [N, C, H, W].
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

export class PixelCrossEntropyLoss extends DistillLoss {
  readonly name = 'pixel-ce';

  compute(student: Tensor, target: Tensor): Scalar {
    this.assertRank(student, 4, 'student logits');
    this.assertSameShape(student, target);
    return tf.tidy(() => tf.neg(target.mul(tf.logSoftmax(student)).sum(-1).mean()) as Scalar);
  }
}

const SOURCE: MethodSource = {
  level: 'official-code',
  reference: "torch.nn.CrossEntropyLoss on [N, C, H, W] logits (reduction 'mean' over every pixel), the segmentation loss of the Graph Flow code (WrinkleXuan/Graph-FLow networks/kd_model.py)",
  deviations: ['targets are one-hot maps [N, H, W, C] (NHWC) instead of class indices'],
};

registerLoss('pixel-ce', z.object({}).strict(), () => new PixelCrossEntropyLoss(), SOURCE);
