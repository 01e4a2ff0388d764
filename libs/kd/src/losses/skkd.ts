// Similarity-keeping KD (SK-KD): Huang, Chen, Wei, "Enhancing Low-Density EEG-Based Brain-Computer
// Interfacing with Similarity-Keeping Knowledge Distillation", arXiv 2212.03329 (2022). No code was
// released and only the abstract was read: "a low-density EEG student model [acquires] the
// inter-sample similarity as in a pre-trained teacher model trained on high-density EEG data".
// Source level: abstract-only. Every detail below is kdlab's choice:
//
//   feature    z_n = the flattened activation of sample n at the tapped layer (EEG configs tap
//              'flatten', the vector the classifier reads), [b, D] (any rank: flattened per sample)
//   normalise  u_n = z_n / max(||z_n||_2, 1e-12)            (per sample, L2)
//   similarity S = U U^T, [b, b]: cosine similarity of every pair of trials in the batch
//   distance   L = sum_{i != j} (S^s_ij - S^t_ij)^2 / (b (b - 1))   (mean squared error over the
//              off-diagonal pairs; the diagonal is 1 for both models and carries nothing)
//
// Compared with SP (Tung & Mori 2019, ./sp.ts), which builds G = Q Q^T from the raw activations and
// L2-normalises each ROW of G, then takes ||G^t - G^s||_F^2 / b^2:
//  - SP's entries depend on the feature magnitudes of both samples and, through the row
//    normalisation, on every other sample of the row; here each entry is a cosine, bounded in
//    [-1, 1] and independent of amplitude. EEG trials differ in amplitude for reasons unrelated to
//    the class (artefacts, electrode impedance, and above all a different electrode count between a
//    64-channel teacher and an 8-channel student), which is what the normalisation removes.
//  - SP averages over all b^2 entries, diagonal included; here over the b(b-1) pairs.
// Student and teacher features may differ in width (only the batch must match): no adapter.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import { DistillLoss, registerLoss } from '../loss';

/** Cosine similarity of every pair of samples: [b, ...] -> [b, b]. */
export function cosineSimilarityMatrix(a: Tensor): Tensor {
  return tf.tidy(() => {
    const z = a.reshape([a.shape[0], -1]);
    const u = z.div(z.norm('euclidean', 1, true).maximum(1e-12));
    return u.matMul(u, false, true);
  });
}

export class SimilarityKeepingLoss extends DistillLoss {
  readonly name = 'skkd';
  override readonly needsSameChannels = false;

  compute(student: Tensor, teacher: Tensor): Scalar {
    const b = student.shape[0];
    if (teacher.shape[0] !== b) throw new Error(`loss 'skkd': student [${student.shape}] and teacher [${teacher.shape}] need the same batch size`);
    if (b < 2) throw new Error(`loss 'skkd': needs at least 2 samples in the batch (pairs), got ${b}`);
    return tf.tidy(() => {
      const diff = cosineSimilarityMatrix(student).sub(cosineSimilarityMatrix(teacher));
      const offDiagonal = tf.ones([b, b]).sub(tf.eye(b));
      return diff.square().mul(offDiagonal).sum().div(b * (b - 1)) as Scalar;
    });
  }
}

registerLoss('skkd', z.object({}).strict(), () => new SimilarityKeepingLoss(), {
  level: 'abstract-only',
  reference: 'X.-Y. Huang, S.-Y. Chen, C.-S. Wei, "Enhancing Low-Density EEG-Based Brain-Computer Interfacing with Similarity-Keeping Knowledge Distillation", arXiv 2212.03329 (2022); no code released',
  deviations: [
    'only the abstract is explicit (match the teacher\'s inter-sample similarity); feature, normalisation and distance are kdlab\'s choices',
    'feature: the flattened tapped activation (the EEG configs tap the classifier input, \'flatten\')',
    'normalisation: per-sample L2 (cosine similarity of every pair in the batch)',
    'distance: mean squared difference over the b(b-1) off-diagonal pairs',
  ],
});
