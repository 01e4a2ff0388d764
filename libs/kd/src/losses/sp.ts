// Similarity-preserving KD (SP): Tung & Mori, "Similarity-Preserving
// Knowledge Distillation", ICCV 2019.
//
//   Q = the b activations flattened, [b, h*w*c];  G~ = Q Q^T  [b, b]
//   G_i = G~_i / ||G~_i||_2      (each row L2-normalised)
//   L = ||G^t - G^s||_F^2 / b^2
//
// Student and teacher activations may differ in every axis but the batch (G is
// b x b), so no adapter. Choices: row normalisation with eps 1e-12 (as
// torch.nn.functional.normalize, which the authors' and CRD's code use); the
// paper sums the term over layer pairs — here one term per pair, weighted in
// the config (gamma = 3000 in the paper's CIFAR experiments and the CRD code).
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

export function similarityMatrix(a: Tensor): Tensor {
  return tf.tidy(() => {
    const q = a.reshape([a.shape[0], -1]);
    const g = q.matMul(q, false, true);
    return g.div(g.norm('euclidean', 1, true).maximum(1e-12));
  });
}

export class SimilarityPreservingLoss extends DistillLoss {
  readonly name = 'sp';
  override readonly needsSameChannels = false;

  compute(student: Tensor, teacher: Tensor): Scalar {
    const b = student.shape[0];
    if (teacher.shape[0] !== b) throw new Error(`loss 'sp': student [${student.shape}] and teacher [${teacher.shape}] need the same batch size`);
    return tf.tidy(() => similarityMatrix(teacher).sub(similarityMatrix(student)).square().sum().div(b * b) as Scalar);
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'paper',
  reference: "Tung, Mori, Similarity-Preserving Knowledge Distillation, ICCV 2019, eqs. 2-4; agrees with CRD/RepDistiller's re-implementation distiller_zoo/SP.py (the authors released no code)",
  deviations: [
    "one term per layer pair; the paper's sum over pairs is the config's sum of terms",
  ],
};

registerLoss('sp', z.object({}).strict(), () => new SimilarityPreservingLoss(), SOURCE);
