// Feature super-resolution (FSR) distillation, stage two of pixel distillation's
// teacher-assistant-student (TAS) framework (Guo et al., TPAMI 2024, "Pixel Distillation:
// Cost-flexible Distillation across Image Sizes and Heterogeneous Networks"; earlier
// arXiv:2112.09532). The assistant (the student's architecture, trained on HR images)
// teaches the student (same architecture, LR images); an FSR module lifts the student's
// low-resolution feature map to the assistant's resolution, and the lifted map is matched
// to the assistant's:
//
//   FSR(f) = PixelShuffle_r( f W ),   W: [C_s, C_a r^2]  (1x1 conv, no bias)
//   L = mean (FSR(f_s) - f_a)^2                          (MSE over every element)
//
// The module trains with the student and is dropped at inference (it lives in this loss,
// never in the student model). TAS is not in the released code (gyguo/PixelDistillation
// releases only the one-stage ISRD), so this is a reading of the paper, and these are our
// choices where we could not check its text against code: the module is one 1x1 conv and a
// pixel shuffle (the sub-pixel up-sampler of the released ISRD head, without its PReLU, since
// the matched feature is a post-ReLU map that a PReLU could not reach below zero anyway), the
// distance is the mean squared error (FitNet's), the tapped layer and the weight are set in
// the method config; r is an option and checked against the shapes (H_a = r H_s, or, for odd
// map sizes, ceil(H_a / H_s) = r: the lifted map is then cropped to the assistant's size at the
// top left, as the released ISRD head crops its output to the HR image; e.g. 28-px
// Fashion-MNIST: 7x7 assistant maps, 4x4 / 2x2 student maps at factors 2 / 4).
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Variable } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { conv1x1, shuffledConv, torchConvInit } from '../pixel-shuffle';

export class FeatureSrLoss extends DistillLoss {
  readonly name = 'fsr';
  override readonly needsSameChannels = false;
  private w: Variable | null = null;

  constructor(readonly scale: number) {
    super();
  }

  override build(channels: { student?: number; teacher?: number }, seed: number): void {
    if (!channels.student || !channels.teacher) throw new Error("loss 'fsr': build() needs the channel counts of both taps");
    this.w = tf.variable(torchConvInit(channels.student, channels.teacher * this.scale * this.scale, seed));
  }

  override get trainableWeights(): Variable[] {
    return this.w ? [this.w] : [];
  }

  /** The student's feature lifted to the assistant's resolution. */
  lift(student: Tensor): Tensor {
    const w = this.w;
    if (!w) throw new Error("loss 'fsr': build() was not called (the objective builds the FSR module from the taps' channels)");
    return tf.tidy(() => shuffledConv((v) => conv1x1(student, v), [w], this.scale));
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertRank(student, 4, 'student');
    this.assertRank(teacher, 4, 'teacher');
    const [n, h, w] = student.shape;
    const [tn, H, W] = teacher.shape;
    if (n !== tn || Math.ceil(H / h) !== this.scale || Math.ceil(W / w) !== this.scale) {
      throw new Error(`loss 'fsr': scale ${this.scale} does not lift the student's ${h}x${w} map to the assistant's ${H}x${W} (batch ${n} vs ${tn}): set loss.scale to the resolution ratio`);
    }
    return tf.tidy(() => this.lift(student).slice([0, 0, 0, 0], [n, H, W, -1]).sub(teacher).square().mean() as Scalar);
  }

  override dispose(): void {
    this.w?.dispose();
    this.w = null;
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'paper',
  reference: 'Guo et al., Pixel Distillation: Cost-flexible Distillation across Image Sizes and Heterogeneous Networks, TPAMI 2024 (arXiv:2112.09532): the TAS framework and its FSR module; no released code (gyguo/PixelDistillation b63c8d1 releases ISRD only)',
  deviations: [
    'FSR module = 1x1 conv (no bias) + pixel shuffle, no activation: our choice',
    'mean squared error between the lifted student map and the assistant map: our choice',
    'a lifted map larger than the assistant map (odd sizes) is cropped to it at the top left, as the released ISRD head crops to the HR image: our choice',
  ],
};

registerLoss('fsr', z.object({ scale: z.number().int().min(1) }).strict(), (o) => new FeatureSrLoss(o.scale), SOURCE);
