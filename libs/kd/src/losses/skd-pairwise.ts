// Structured KD, pairwise distillation: Liu et al., "Structured Knowledge Distillation
// for Semantic Segmentation", CVPR 2019 (the pairwise term), i.e. similarity-preserving
// distillation (SP, Tung & Mori 2019) applied to the positions of one image instead of
// the images of a batch:
//
//   F' = avgpool_k(F)               (k x k nodes; k = `pool`, 1 = every position)
//   a_pq = f'_p . f'_q / (||f'_p|| ||f'_q||)          (cosine similarity of positions p, q)
//   L = mean_{n,p,q} (a^s_npq - a^t_npq)^2
//
// F: [N, H, W, C] student and teacher features at the same resolution (channel counts
// may differ: no adapter). Choices: average pooling (the authors' code max-pools to
// coarse nodes); eps 1e-7 added to the norms (as spatialAffinity of FAKD); the mean over
// the (HW/k^2)^2 pairs, which is the paper's 1/(W'H')^2 sum.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor3D, Tensor4D } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { spatialAffinity } from './fakd';

/** [N, H, W, C] -> [N, P, P] cosine similarities between the positions of the k-average-pooled map. */
export function pooledAffinity(x: Tensor, pool: number): Tensor3D {
  return tf.tidy(() => spatialAffinity(pool > 1 ? tf.avgPool(x as Tensor4D, pool, pool, 'valid') : x));
}

export class SkdPairwiseLoss extends DistillLoss {
  readonly name = 'skd-pairwise';
  override readonly needsSameChannels = false;

  constructor(readonly pool: number) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameGrid(student, teacher);
    return tf.tidy(() => pooledAffinity(student, this.pool).sub(pooledAffinity(teacher, this.pool)).square().mean() as Scalar);
  }
}

const SOURCE: MethodSource = {
  level: 'paper',
  reference: 'Liu et al., "Structured Knowledge Distillation for Semantic Segmentation", CVPR 2019, pairwise distillation (eq. 2); Tung & Mori, "Similarity-Preserving Knowledge Distillation", ICCV 2019',
  deviations: ['average pooling to nodes of k x k positions (the authors pool with max pooling to a fixed node count)'],
};

registerLoss('skd-pairwise', z.object({ pool: z.number().int().min(1).default(1) }).strict(), (o) => new SkdPairwiseLoss(o.pool), SOURCE);
