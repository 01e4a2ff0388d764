// Adversarial distillation with a Wasserstein critic (WGAN-GP: Gulrajani et al.,
// "Improved Training of Wasserstein GANs", NeurIPS 2017), the adversarial part of
// CoCo DistillNet (Zou & Sun, BIBM 2021; abstract: a discriminator tells teacher
// outputs from student outputs and the student learns to fool it). The successor code
// (WrinkleXuan/Graph-FLow networks/kd_model.py) fixes: the critic sees the student's
// and teacher's segmentation outputs, gradient-penalty weight 10, student term weight
// 0.1 (set in the config), one critic step after every student step on the same batch,
// Adam (0.9, 0.99) for the critic.
//
//   D(x) = mean over positions of critic(x)            x = softmax of the logits [N, H, W, C]
//   student term (this loss):  L_G = -mean_n D(x_s)
//   critic (auxiliary update): L_D = mean_n D(x_s) - mean_n D(x_t) + lambda * mean_n (||grad_xhat D(xhat_n)||_2 - 1)^2,
//                              xhat = eps x_t + (1 - eps) x_s,  eps ~ U(0, 1) per image
//
// Choices (ours): the critic is a PatchGAN-like stack of 4x4 stride-2 convs (widths
// `channels`, LeakyReLU 0.2, no normalisation, as WGAN-GP requires) and a 3x3 conv to one
// score per position, averaged (their SAGAN discriminator is larger); probabilities rather
// than logits as its input; critic lr 1e-4 (their lr_d is a command-line value);
// eps drawn from a generator seeded by the step, so a resumed run repeats it.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Variable } from '@kdlab/engine';
import type { AuxiliaryNetwork } from '../auxiliary';
import { ConvStack } from '../conv-stack';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

export class WganGpLoss extends DistillLoss {
  readonly name = 'wgan-gp';
  override readonly needsSameChannels = false;
  private critic: ConvStack | null = null;
  private seed = 0;
  private step = 0;
  readonly auxiliary: AuxiliaryNetwork;

  constructor(readonly channels: number[], readonly gpWeight: number, readonly optimizer: { lr: number; beta1: number; beta2: number }) {
    super();
    const self = this;
    this.auxiliary = {
      get weights(): Variable[] {
        return self.critic?.weights ?? [];
      },
      optimizer,
      beginStep(step: number): boolean {
        self.step = step;
        return true;
      },
      loss(student: Tensor, teacher: Tensor): Scalar {
        const eps = tf.randomUniform([student.shape[0], 1, 1, 1], 0, 1, 'float32', (self.seed * 1000003 + self.step) >>> 0);
        const l = self.criticLoss(tf.softmax(student), tf.softmax(teacher), eps);
        eps.dispose();
        return l;
      },
    };
  }

  override build(channels: { student?: number; teacher?: number }, seed: number): void {
    if (!channels.student) throw new Error(`loss 'wgan-gp': its critic needs the channel count of the student tensor (got ${JSON.stringify(channels)})`);
    if (channels.teacher !== undefined && channels.teacher !== channels.student) throw new Error(`loss 'wgan-gp': student (${channels.student}) and teacher (${channels.teacher}) outputs need the same channels`);
    this.seed = seed;
    const layers = [...this.channels.map((out) => ({ out, kernel: 4, stride: 2 })), { out: 1, kernel: 3, stride: 1 }];
    this.critic = new ConvStack(channels.student, layers, { slope: 0.2, activateLast: false, name: 'wgan-critic' }, seed);
  }

  /** Critic score per image [N]. */
  score(x: Tensor): Tensor {
    if (!this.critic) throw new Error("loss 'wgan-gp': build() was not called (the objective builds its critic from the taps' channels)");
    return this.critic.apply(x).mean([1, 2, 3]);
  }

  /** L_D on probabilities, with the interpolation weights `eps` [N, 1, 1, 1] given (tests pass fixed ones). */
  criticLoss(fake: Tensor, real: Tensor, eps: Tensor): Scalar {
    return tf.tidy(() => {
      const xhat = real.mul(eps).add(fake.mul(tf.scalar(1).sub(eps)));
      const g = tf.grad((x: Tensor) => this.score(x).sum())(xhat);
      const norm = g.square().sum([1, 2, 3]).add(1e-12).sqrt();
      const gp = norm.sub(1).square().mean();
      return this.score(fake).mean().sub(this.score(real).mean()).add(gp.mul(this.gpWeight)) as Scalar;
    });
  }

  compute(student: Tensor): Scalar {
    this.assertRank(student, 4, 'student logits');
    return tf.tidy(() => this.score(tf.softmax(student)).mean().neg() as Scalar);
  }

  override dispose(): void {
    this.critic?.dispose();
    this.critic = null;
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Zou & Sun, CoCo DistillNet, IEEE BIBM 2021 (arXiv 2108.12173), adversarial distillation; settings from the authors\' later Graph Flow code (WrinkleXuan/Graph-FLow networks/kd_model.py: WGAN-GP, GP weight 10, adversarial weight 0.1, critic Adam betas 0.9/0.99, one critic step per student step); Gulrajani et al., NeurIPS 2017',
  deviations: ['a small PatchGAN-like critic instead of their SAGAN discriminator', 'critic input: softmax probabilities', 'critic lr 1e-4 (not stated)'],
};

registerLoss(
  'wgan-gp',
  z
    .object({
      channels: z.array(z.number().int().positive()).min(1).default([16, 32, 64]),
      gpWeight: z.number().nonnegative().default(10),
      lr: z.number().positive().default(1e-4),
      beta1: z.number().min(0).max(1).default(0.9),
      beta2: z.number().min(0).max(1).default(0.99),
    })
    .strict(),
  (o) => new WganGpLoss(o.channels, o.gpWeight, { lr: o.lr, beta1: o.beta1, beta2: o.beta2 }),
  SOURCE,
);
