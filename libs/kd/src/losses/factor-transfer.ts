// Factor transfer with a paraphraser (Kim, Park, Kwak, "Paraphrasing Complex Network:
// Network Compression via Factor Transfer", NeurIPS 2018), the third part of CoCo
// DistillNet (Zou & Sun, BIBM 2021; abstract-only): an autoencoder (the paraphraser) is
// trained unsupervised to reconstruct the teacher's features; its code (the teacher
// factor) is what a translator on the student's features must match.
//
//   paraphraser: encoder 3 x (3x3 conv, LeakyReLU 0.1): C_t -> C_t -> m -> m; decoder the
//                mirror m -> m -> C_t -> C_t (3x3 convs; PyTorch's stride-1 transposed convs
//                of the authors' code are convolutions), m = round(rate * C_t)
//   pre-training (auxiliary update): L_rec = mean (dec(enc(F_t)) - F_t)^2, for the first
//                `pretrainSteps` steps; the paraphraser is frozen after them
//   translator:  3 x (3x3 conv, LeakyReLU 0.1): C_s -> C_s -> m -> m, trained with the student
//   FT term:     L = mean | T_s / ||T_s||_2 - P_t / ||P_t||_2 |   (per-image vectors, p = 1)
//
// Choices (ours): the paraphraser pre-trains during the student's first `pretrainSteps`
// steps on the same batches (the FT term is 0 until it is done; FT pre-trains it for
// epochs before the student starts); no BatchNorm (as the Graph Flow code, which comments it
// out); rate 0.5 (FT's CIFAR setting); lr 1e-3 for the paraphraser.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Variable } from '@kdlab/engine';
import type { AuxiliaryNetwork } from '../auxiliary';
import { ConvStack } from '../conv-stack';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

const conv3 = (out: number) => ({ out, kernel: 3, stride: 1 });

/** Each image's tensor flattened and scaled to unit L2 norm, [N, D]. */
function unitRows(x: Tensor): Tensor {
  return tf.tidy(() => {
    const f = x.reshape([x.shape[0], -1]);
    return f.div(f.norm('euclidean', 1, true).maximum(1e-12));
  });
}

export class FactorTransferLoss extends DistillLoss {
  readonly name = 'factor-transfer';
  override readonly needsSameChannels = false;
  private parts: { encoder: ConvStack; decoder: ConvStack; translator: ConvStack } | null = null;
  private pretraining: boolean;
  readonly auxiliary: AuxiliaryNetwork;

  constructor(readonly rate: number, readonly pretrainSteps: number, optimizer: { lr: number; beta1: number; beta2: number }) {
    super();
    this.pretraining = pretrainSteps > 0;
    const self = this;
    this.auxiliary = {
      get weights(): Variable[] {
        return self.parts ? [...self.parts.encoder.weights, ...self.parts.decoder.weights] : [];
      },
      optimizer,
      beginStep(step: number): boolean {
        self.pretraining = step < self.pretrainSteps;
        return self.pretraining;
      },
      loss(_student: Tensor, teacher: Tensor): Scalar {
        return self.reconstructionLoss(teacher);
      },
    };
  }

  override build(channels: { student?: number; teacher?: number }, seed: number): void {
    const { student: cs, teacher: ct } = channels;
    if (!cs || !ct) throw new Error(`loss 'factor-transfer': needs the channel counts of both taps (got ${JSON.stringify(channels)})`);
    const m = Math.max(1, Math.round(this.rate * ct));
    const opts = (name: string) => ({ slope: 0.1, activateLast: true, name });
    this.parts = {
      encoder: new ConvStack(ct, [conv3(ct), conv3(m), conv3(m)], opts('ft-paraphraser-enc'), seed),
      decoder: new ConvStack(m, [conv3(m), conv3(ct), conv3(ct)], opts('ft-paraphraser-dec'), seed + 1),
      translator: new ConvStack(cs, [conv3(cs), conv3(m), conv3(m)], opts('ft-translator'), seed + 2),
    };
  }

  private get built() {
    if (!this.parts) throw new Error("loss 'factor-transfer': build() was not called (the objective builds it from the taps' channels)");
    return this.parts;
  }

  override get trainableWeights(): Variable[] {
    return this.parts ? this.parts.translator.weights : [];
  }

  /** The paraphraser's pre-training objective on teacher features. */
  reconstructionLoss(teacher: Tensor): Scalar {
    const { encoder, decoder } = this.built;
    return tf.tidy(() => decoder.apply(encoder.apply(teacher)).sub(teacher).square().mean() as Scalar);
  }

  /** Whether the term is still waiting for its paraphraser (then it is 0). */
  get isPretraining(): boolean {
    return this.pretraining;
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameGrid(student, teacher);
    const { encoder, translator } = this.built;
    if (this.pretraining) return tf.scalar(0) as Scalar;
    return tf.tidy(() => unitRows(translator.apply(student)).sub(unitRows(encoder.apply(teacher))).abs().mean() as Scalar);
  }

  override dispose(): void {
    if (this.parts) for (const p of Object.values(this.parts)) p.dispose();
    this.parts = null;
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Zou & Sun, CoCo DistillNet, IEEE BIBM 2021 (arXiv 2108.12173), paraphraser part; Kim, Park, Kwak, "Paraphrasing Complex Network: Network Compression via Factor Transfer", NeurIPS 2018; paraphraser and translator layers (3 convs, LeakyReLU 0.1) as in WrinkleXuan/Graph-FLow networks/feature_projection.py',
  deviations: ['the paraphraser pre-trains during the first steps of the student run (FT term 0 meanwhile) instead of in a separate stage', 'rate 0.5, paraphraser lr 1e-3: our choices'],
};

registerLoss(
  'factor-transfer',
  z
    .object({
      rate: z.number().positive().default(0.5),
      pretrainSteps: z.number().int().nonnegative().default(50),
      lr: z.number().positive().default(1e-3),
      beta1: z.number().min(0).max(1).default(0.9),
      beta2: z.number().min(0).max(1).default(0.999),
    })
    .strict(),
  (o) => new FactorTransferLoss(o.rate, o.pretrainSteps, { lr: o.lr, beta1: o.beta1, beta2: o.beta2 }),
  SOURCE,
);
