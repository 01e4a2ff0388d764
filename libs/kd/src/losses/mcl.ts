// MCL: Yang, An, Cai, Xu, "Mutual Contrastive Learning for Visual
// Representation Learning", AAAI 2022 — online distillation among P peer
// networks trained together from scratch (no pretrained teacher), in its
// supervised form (the authors' released CIFAR code, winycg/MCL
// `losses/cifar_sup_mcl_loss.py`): positives are the other images of the same
// class in the batch.
//
// Each peer a has a projection head (Linear-ReLU-Linear to `embed` = 128 dims,
// then L2 normalisation) on its penultimate features: v_a [N, embed], the
// learned weights of this loss. With S_ab = v_a v_b^T / tau (N x N):
//   contrast(S)   = -mean_i [ (1/|P_i|) sum_{j in P_i} ( S_ij - log sum_{k != i} exp S_ik ) ]
//                   P_i = { j != i : y_j = y_i }
//   VCL (vanilla)      = sum_a contrast(S_aa)
//   ICL (interactive)  = sum_{a<b} contrast(S_ab) + contrast(S_ba)
//   Soft VCL           = sum_{a != b} KL_T(S_aa, sg(S_bb))
//   Soft ICL           = sum_{a<b} KL_T(S_ab, sg(S_ba)) + KL_T(S_ba, sg(S_ab))
//   KL_T(x, y) = T^2 mean_i KL(softmax(y_i/T) || softmax(x_i/T))      (rows over all N columns)
//   L = vcl*VCL + softVcl*SoftVCL + icl*ICL + softIcl*SoftICL
// sg = stop-gradient (the "target" distribution of each KL, as .detach() in the code).
// Defaults are the authors' CIFAR settings: tau = 0.1 (the --tau default of
// main_cifar.py since commit e81472e; 0.07 is their ImageNet default, main_imagenet.py),
// T = 3 (--kd_T), weights vcl 0.1, softVcl 1, icl 0.1, softIcl 1 (--alpha --gamma --beta
// --lam in scripts/train_cifar_mcl.sh). tau is an option: `{kind: mcl, tau: 0.07}` for ImageNet. Every peer's cross-entropy
// is a separate task term (loss 'ce' on the cohort's output).
//
// Inputs: the student tap is the cohort's concatenated penultimate features
// ('peers.features' of the `peers` backbone, [N, P*D], peer p = columns
// [p*D, (p+1)*D)); the teacher side is the target (one-hot labels [N, C]).
// Choice: an anchor without any positive in the batch is left out of the mean
// (the authors' code divides by zero there and avoids it with a sampler that
// puts >= 2 images of a class in every batch).
import { z } from 'zod';
import { tf, Rng } from '@kdlab/engine';
import type { Scalar, Tensor, Variable } from '@kdlab/engine';
import { createAdapter, type Adapter } from '../adapter';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { stopGradient } from '../stop-gradient';
import { temperatureKl } from '../temperature-kl';

export interface MclWeights {
  vcl: number;
  softVcl: number;
  icl: number;
  softIcl: number;
}

/** Supervised contrastive loss of a similarity matrix, positives given by `positives` (zero diagonal). */
export function supervisedContrast(s: Tensor, positives: Tensor, offDiagonal: Tensor): Scalar {
  return tf.tidy(() => {
    const rowMax = stopGradient(s.max(1, true));
    const logDen = s.sub(rowMax).exp().mul(offDiagonal).sum(1, true).log().add(rowMax);
    const logProb = s.sub(logDen);
    const count = positives.sum(1);
    const valid = count.greater(0).toFloat();
    const meanPos = positives.mul(logProb).sum(1).div(count.maximum(1));
    return meanPos.mul(valid).sum().div(valid.sum().maximum(1)).neg() as Scalar;
  });
}

/** T^2 * mean_i KL(softmax(target_i/T) || softmax(x_i/T)), the target held constant. */
export function softKl(x: Tensor, target: Tensor, T: number): Scalar {
  return tf.tidy(() => temperatureKl(x, stopGradient(target), T, { timesTSquared: true }));
}

export class MclLoss extends DistillLoss {
  readonly name = 'mcl';
  override readonly needsSameChannels = false;
  private heads: Adapter[] = [];

  constructor(readonly peers: number, readonly embed: number, readonly tau: number, readonly temperature: number, readonly weights: MclWeights) {
    super();
  }

  override build(channels: { student?: number }, seed: number): void {
    const width = channels.student;
    if (!width || width % this.peers !== 0) throw new Error(`loss 'mcl': the student tap has ${width} channels, not ${this.peers} equal peer feature blocks`);
    const rng = new Rng(seed);
    this.heads = Array.from({ length: this.peers }, () => createAdapter({ kind: 'mlp', inChannels: width / this.peers, outChannels: this.embed, hidden: this.embed }, rng.seed()));
  }

  override get trainableWeights(): Variable[] {
    return this.heads.flatMap((h) => h.trainableWeights);
  }

  compute(student: Tensor, target: Tensor): Scalar {
    if (this.heads.length === 0) throw new Error("loss 'mcl': build() was not called (the objective builds the projection heads from the tap's channels)");
    this.assertRank(student, 2, 'student (the peers\' concatenated features)');
    this.assertRank(target, 2, 'target (one-hot labels)');
    const P = this.peers;
    const n = student.shape[0];
    const d = (student.shape[1] as number) / P;
    const { vcl, softVcl, icl, softIcl } = this.weights;
    return tf.tidy(() => {
      const labels = target.argMax(1);
      const same = labels.expandDims(1).equal(labels.expandDims(0)).toFloat();
      const eye = tf.eye(n);
      const positives = same.sub(eye);
      const offDiagonal = tf.onesLike(eye).sub(eye);
      const v = this.heads.map((h, p) => {
        const e = h.apply(student.slice([0, p * d], [-1, d]));
        return e.div(e.norm('euclidean', 1, true).maximum(1e-12));
      });
      const sim = (a: number, b: number) => v[a].matMul(v[b], false, true).div(this.tau);
      const intra = v.map((_, a) => sim(a, a));
      const parts: Tensor[] = [];
      for (let a = 0; a < P; a++) {
        parts.push(supervisedContrast(intra[a], positives, offDiagonal).mul(vcl));
        for (let b = 0; b < P; b++) if (b !== a) parts.push(softKl(intra[a], intra[b], this.temperature).mul(softVcl));
        for (let b = a + 1; b < P; b++) {
          const ab = sim(a, b);
          const ba = sim(b, a);
          parts.push(supervisedContrast(ab, positives, offDiagonal).add(supervisedContrast(ba, positives, offDiagonal)).mul(icl));
          parts.push(softKl(ab, ba, this.temperature).add(softKl(ba, ab, this.temperature)).mul(softIcl));
        }
      }
      return tf.addN(parts) as Scalar;
    });
  }

  override dispose(): void {
    for (const h of this.heads) h.dispose();
    this.heads = [];
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Yang, An, Cai, Xu, Mutual Contrastive Learning for Visual Representation Learning, AAAI 2022; Sup_MCL_Loss of winycg/MCL losses/cifar_sup_mcl_loss.py and main_cifar.py (236da2f)',
  deviations: [
    "an anchor without a positive in the batch is left out of the mean (the authors' MPerClassSampler guarantees one)",
  ],
};

registerLoss(
  'mcl',
  z
    .object({
      peers: z.number().int().min(2),
      embed: z.number().int().positive().default(128),
      tau: z.number().positive().default(0.1),
      temperature: z.number().positive().default(3),
      weights: z
        .object({ vcl: z.number().nonnegative().default(0.1), softVcl: z.number().nonnegative().default(1), icl: z.number().nonnegative().default(0.1), softIcl: z.number().nonnegative().default(1) })
        .strict()
        .default({}),
    })
    .strict(),
  (o) => new MclLoss(o.peers, o.embed, o.tau, o.temperature, o.weights),
  SOURCE,
);
