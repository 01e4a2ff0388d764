// Contrastive regularisation as a ratio of L1 distances in a fixed encoder's feature space:
// pull the restored image toward its clean target (positive) and away from the degraded input
// (negative). TSC-Net's "contrastive regularization mechanism" (Fu et al., arXiv 2112.00729:
// "pull the restored CT images closer to the NDCT samples and push far away from the LDCT samples
// in the latent space"), in the ratio form of AECR-Net (Wu et al., "Contrastive Learning for
// Compact Single Image Dehazing", CVPR 2021):
//
//   L = Σ_i w_i · mean|E_i(ŷ) - E_i(y)| / (mean|E_i(ŷ) - E_i(x)| + eps)
//
// ŷ: the student's output (the term's student tensor, 'output'), y: the batch target (NDCT),
// x: the batch input (LDCT), E_i: layer i of the frozen teacher run on each image
// (LossContext.teacherAt; the layers are declared as extra taps so the runner records them).
// Gradients reach ŷ through the frozen encoder; E(y) and E(x) are constants.
//
// Choices (the TSC-Net abstract says none of this): the encoder is the trained TSC-Net teacher
// (no pretrained VGG is reachable here; AECR-Net uses VGG-19), the layers and weights are the
// config's (default: equal weights), the distance is L1 as in AECR-Net (the journal version of
// TSC-Net, Med. Phys. 2023, speaks of L2 distances: not followed, the issue asks for L1),
// eps = 1e-7 keeps the ratio finite when the output equals the input.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import { DistillLoss, registerLoss, type LossContext } from '../loss';
import type { MethodSource } from '../source';

export class ContrastiveRatioLoss extends DistillLoss {
  readonly name = 'contrastive-ratio';
  override readonly needsSameChannels = false;
  readonly extraTaps: { student: string[]; teacher: string[] };

  constructor(readonly layers: string[], readonly weights: number[], readonly eps: number) {
    super();
    if (weights.length !== layers.length) throw new Error(`loss 'contrastive-ratio': ${weights.length} weights for ${layers.length} layers`);
    this.extraTaps = { student: [], teacher: layers };
  }

  compute(student: Tensor, _teacher: Tensor, context?: LossContext): Scalar {
    const { teacherAt, target, input } = context ?? {};
    if (!teacherAt || !target || !input) throw new Error(`loss '${this.name}': needs the frozen teacher (LossContext.teacherAt), the target and the input; run it through DistillationObjective with a teacher`);
    this.assertSameShape(student, target);
    this.assertSameShape(student, input);
    return tf.tidy(() => {
      const anchor = teacherAt(student).features;
      const positive = teacherAt(target).features;
      const negative = teacherAt(input).features;
      let total = tf.scalar(0);
      this.layers.forEach((layer, i) => {
        const a = anchor[layer];
        if (!a || !positive[layer] || !negative[layer]) throw new Error(`loss '${this.name}': the teacher has no tap '${layer}' (recorded: ${Object.keys(anchor).join(', ')})`);
        const pull = a.sub(positive[layer]).abs().mean();
        const push = a.sub(negative[layer]).abs().mean();
        total = total.add(pull.div(push.add(this.eps)).mul(this.weights[i]));
      });
      return total as Scalar;
    });
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: "Fu et al., Total-Body Low-Dose CT Image Denoising using Prior Knowledge Transfer Technique with Contrastive Regularization Mechanism (TSC-Net), arXiv 2112.00729 (abstract); ratio form of AECR-Net's contrastive regularisation (Wu et al., CVPR 2021)",
  deviations: [
    'the fixed encoder is the trained TSC-Net teacher, not a pretrained VGG-19 (none is reachable here)',
    'layers and weights are configured (default equal weights); TSC-Net does not state them in its abstract',
    "L1 distances (AECR-Net's form); the Med. Phys. version of TSC-Net speaks of L2 distances",
  ],
};

registerLoss(
  'contrastive-ratio',
  z
    .object({
      layers: z.array(z.string().min(1)).min(1),
      weights: z.array(z.number().nonnegative()).optional(),
      eps: z.number().positive().default(1e-7),
    })
    .strict(),
  (o) => new ContrastiveRatioLoss(o.layers, o.weights ?? o.layers.map(() => 1 / o.layers.length), o.eps),
  SOURCE,
);
