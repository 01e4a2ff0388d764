// PCL-SR: Wu, Jiang, Liu, Ji, "Practical Contrastive Learning for Single Image Super-Resolution" (TNNLS
// 2023, arXiv 2111.13924); Aitical/PCL-SISR ba4cbb7 read (src/trainer.py, src/loss/adversarial.py,
// src/loss/discriminator.py, src/scripts/RCAN_scripts/rcanx4_PCL.sh); nothing copied.
//
// Term (student: output, teacher: target; the LR batch comes from the context's input):
//   P = [HR, sharpen(HR, f_1..f_p)] (+ the teacher's SR output with teacherPositive)
//   Q = [bicubic↑(LR), blur_1(HR) .. blur_q(HR)]                     (views: ../pcl/views.ts)
//   φ = features of the discriminator D (../pcl/discriminator.ts) at block featureBlock
//   sim(a, b) = mean over positions of Σ_c â_c b̂_c,  x̂ = x / max(||x||_2 over channels, 1e-12)
//   L = mean_{x⁺ ∈ P} mean_n CE([sim(φ(SR), φ(x⁺)), sim(φ(SR), φ(x⁻)) for x⁻ ∈ Q] / τ, class 0)
// D is trained alternately (the auxiliary update, after each student step, on the same views):
//   r = patch logits of [sharpen(HR)..., HR], f = patch logits of [blur(HR)..., SR], flattened;
//   L_D = half(r, f) + half(-f, -r),  half(a, b) = mean_i CE([a_i, b_1..b_M], class 0)
// (their contrastive_D_loss of the 'CL-patchD' loss with --contras_D_train), Adam at the student's lr.
//
// Differences from the released code, on purpose:
//  - their SR features are computed under torch.no_grad(), so their contrastive term sends no gradient
//    to the SR network (only the L1 term trains it); ours differentiates through D to the SR image (D's
//    own weights are not updated by the student's step: they belong to the auxiliary update);
//  - their RCAN script's sharpening flags sit on a line after a missing backslash, so as released the
//    positives are HR alone; we use the sharpened positives the paper and the flags describe;
//  - teacherPositive (a kdlab extension, not in the paper): the teacher's SR output is one more
//    positive; PCL itself has no teacher.
// Choices where the sources are silent or not applicable here: τ = 1 (their cross-entropy on raw cosine
// logits); p = q = 3 (their --mcl_neg 3); D width (64 in the paper; a config option, smaller in the
// quick profile for CPU time); the random draws of each step come from a generator seeded by (seed,
// step), so a resumed run repeats them and D's update sees the views the student's step saw; no
// shuffled-batch negatives (--shuffle_neg is off in their script).
import { z } from 'zod';
import { tf, Rng } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D, Variable } from '@kdlab/engine';
import type { AuxiliaryNetwork } from '../auxiliary';
import { PclDiscriminator, type DiscriminatorSpec } from '../pcl/discriminator';
import { bicubicUpsample, drawViews, type PclViewOptions } from '../pcl/views';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss, type LossContext } from '../loss';

/** Spatial mean of the channel-normalised cosine similarity, per image: [N]. */
export function pclSimilarity(a: Tensor, b: Tensor): Tensor {
  return tf.tidy(() => {
    const unit = (x: Tensor) => x.div(x.square().sum(-1, true).sqrt().maximum(1e-12));
    return unit(a).mul(unit(b)).sum(-1).mean([1, 2]);
  });
}

/** InfoNCE of PCL: mean over positives of the batch-mean cross-entropy with the positive as class 0. */
export function pclInfoNce(anchor: Tensor, positives: Tensor[], negatives: Tensor[], tau: number): Scalar {
  return tf.tidy(() => {
    const neg = negatives.map((q) => pclSimilarity(anchor, q));
    const per = positives.map((p) => {
      const logits = tf.stack([pclSimilarity(anchor, p), ...neg], 1).div(tau); // [N, 1 + q]
      return logits.logSoftmax().slice([0, 0], [-1, 1]).mean().neg();
    });
    return tf.addN(per).div(per.length) as Scalar;
  });
}

/** half(a, b) = mean_i CE([a_i, b_1..b_M], class 0), the dual contrastive discriminator loss of PCL's code. */
function contrastiveHalf(a: Tensor, b: Tensor): Tensor {
  return tf.tidy(() => {
    const m = a.shape[0];
    const logits = tf.concat([a.reshape([m, 1]), tf.tile(b.reshape([1, -1]), [m, 1])], 1);
    return logits.logSoftmax().slice([0, 0], [-1, 1]).mean().neg();
  });
}

export interface PclOptions extends PclViewOptions, DiscriminatorSpec {
  tau: number;
  teacherPositive: boolean;
  lr: number;
  beta1: number;
  beta2: number;
}

export class PclLoss extends DistillLoss {
  readonly name = 'pcl';
  override readonly needsSameChannels = false;
  readonly auxiliary: AuxiliaryNetwork;
  private d: PclDiscriminator | null = null;
  private seed = 0;
  private step = 0;

  constructor(readonly o: PclOptions) {
    super();
    const self = this;
    this.auxiliary = {
      get weights(): Variable[] {
        return self.d?.weights ?? [];
      },
      optimizer: { lr: o.lr, beta1: o.beta1, beta2: o.beta2 },
      beginStep(step: number): boolean {
        self.step = step;
        return true;
      },
      loss(student: Tensor, teacher: Tensor): Scalar {
        return self.discriminatorLoss(student as Tensor4D, teacher as Tensor4D);
      },
    };
  }

  override build(_channels: { student?: number; teacher?: number }, seed: number): void {
    this.seed = seed;
    this.d = new PclDiscriminator({ width: this.o.width, blocks: this.o.blocks, featureBlock: this.o.featureBlock }, seed);
  }

  get discriminator(): PclDiscriminator {
    if (!this.d) throw new Error("loss 'pcl': build() was not called (the objective builds its discriminator)");
    return this.d;
  }

  /** The step's augmented views of HR, the same for the student's term and D's update. */
  private views(hr: Tensor4D) {
    return drawViews(hr, this.o, new Rng((Math.imul(this.seed, 1000003) + this.step) >>> 0));
  }

  private checkImages(sr: Tensor, hr: Tensor): void {
    this.assertSameShape(sr, hr);
    this.assertRank(sr, 4, 'student SR image');
    if (sr.shape[3] !== 3) throw new Error(`loss 'pcl': needs RGB images [N, H, W, 3], got [${sr.shape}]`);
  }

  /** The contrastive term for given views (tests call it with fixed ones). */
  infoNce(sr: Tensor4D, positives: Tensor4D[], negatives: Tensor4D[]): Scalar {
    const d = this.discriminator;
    return tf.tidy(() => {
      // One stacked discriminator call (per-set BatchNorm statistics); the views are constants w.r.t. the
      // student (HR, LR, the frozen teacher's output): only SR carries a gradient.
      const [anchor, ...rest] = d.featuresOf([sr, ...positives, ...negatives]);
      return pclInfoNce(anchor, rest.slice(0, positives.length), rest.slice(positives.length), this.o.tau);
    });
  }

  compute(student: Tensor, teacher: Tensor, context?: LossContext): Scalar {
    this.checkImages(student, teacher);
    const lr = context?.input;
    if (!lr || lr.rank !== 4) throw new Error(`loss 'pcl': needs the batch's LR input in the context (its bicubic upsampling is a negative), got ${lr ? `[${lr.shape}]` : 'none'}`);
    const teacherSr = context?.teacher?.output;
    if (this.o.teacherPositive && !teacherSr) throw new Error("loss 'pcl': teacherPositive needs the teacher's SR output (configure a teacher)");
    const sr = student as Tensor4D;
    const hr = teacher as Tensor4D;
    return tf.tidy(() => {
      const { sharpened, blurred } = this.views(hr);
      const up = bicubicUpsample(lr as Tensor4D, hr.shape[1], hr.shape[2]);
      const positives = [hr, ...sharpened, ...(this.o.teacherPositive ? [teacherSr as Tensor4D] : [])];
      return this.infoNce(sr, positives, [up, ...blurred]);
    });
  }

  /** D's own objective on the step's views (SR is a constant here). */
  discriminatorLoss(sr: Tensor4D, hr: Tensor4D): Scalar {
    this.checkImages(sr, hr);
    return tf.tidy(() => {
      const { sharpened, blurred } = this.views(hr);
      return this.dualContrastive([...sharpened, hr], [...blurred, sr]);
    });
  }

  /** L_D for given real and fake views (tests call it with fixed ones). */
  dualContrastive(real: Tensor4D[], fake: Tensor4D[]): Scalar {
    const d = this.discriminator;
    return tf.tidy(() => {
      const logits = d.logitsOf([...real, ...fake]).map((l) => l.reshape([-1]));
      const r = tf.concat(logits.slice(0, real.length));
      const f = tf.concat(logits.slice(real.length));
      return contrastiveHalf(r, f).add(contrastiveHalf(f.neg(), r.neg())) as Scalar;
    });
  }

  override dispose(): void {
    this.d?.dispose();
    this.d = null;
  }
}

const SOURCE: MethodSource = {
  level: 'official-code',
  reference:
    'Wu, Jiang, Liu, Ji, Practical Contrastive Learning for Single Image Super-Resolution, TNNLS 2023 (arXiv 2111.13924); Aitical/PCL-SISR ba4cbb7 (src/trainer.py, src/loss/adversarial.py, src/loss/discriminator.py, src/scripts/RCAN_scripts/rcanx4_PCL.sh)',
  deviations: [
    'the contrastive term differentiates through D to the SR network (the released code computes it under no_grad, so it trains nothing there)',
    'sharpened positives used (the released RCAN script loses its sharpening flags to a missing line continuation)',
    'teacherPositive: the teacher SR output as an extra positive is a kdlab extension',
    'D width is an option (64 as released; smaller in the quick profile)',
    'random views seeded by (seed, step); no shuffled-batch negatives (off in their script)',
  ],
};

registerLoss(
  'pcl',
  z
    .object({
      positives: z.number().int().nonnegative().default(3),
      negatives: z.number().int().nonnegative().default(3),
      sharpRange: z.tuple([z.number().nonnegative(), z.number().nonnegative()]).default([0.5, 3]),
      blurKernels: z.array(z.number().int().positive().refine((k) => k % 2 === 1, 'odd kernel sizes')).min(1).default([3, 5, 7, 9, 11]),
      blurSigma: z.tuple([z.number().positive(), z.number().positive()]).default([0.1, 2]),
      width: z.number().int().positive().default(64),
      blocks: z.number().int().min(1).default(8),
      featureBlock: z.number().int().nonnegative().default(4),
      tau: z.number().positive().default(1),
      teacherPositive: z.boolean().default(false),
      lr: z.number().positive().default(5e-5),
      beta1: z.number().min(0).max(1).default(0.9),
      beta2: z.number().min(0).max(1).default(0.999),
    })
    .strict(),
  (o) => new PclLoss(o),
  SOURCE,
);
