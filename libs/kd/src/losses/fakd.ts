// FAKD: spatial-affinity distillation.
// He, Dai, Lu, Jiang, Xia, "FAKD: Feature-Affinity Based Knowledge Distillation
// for Efficient Image Super-Resolution", ICIP 2020.
//
// For a feature map F (one image, H*W positions x C channels) with rows
// normalised, F^_p = F_p / (||F_p||_2 + eps), the spatial affinity matrix is
//   A = F^ F^T   (H*W x H*W; A_pq = cosine similarity of positions p and q)
//   L = mean_{n,p,q} |A_s - A_t|        (distance 'l1', default; 'l2' squares instead)
// Choices: eps = 1e-7 added to the norm (as in the authors' code); the mean over
// all N*(HW)^2 entries (the paper's 1/|A| normalisation). The affinity does not
// depend on the channel count, so no adapter is needed (needsSameChannels = false);
// student and teacher must have the same H and W. Memory is N*(HW)^2 floats:
// tap at the LR resolution (e.g. 'body'), not after the upsampler.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor3D } from '@kdlab/engine';
import { distanceOption, elementDistance, type Distance } from '../distance';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

const EPS = 1e-7;

/** [N, H, W, C] -> [N, HW, HW] cosine similarities between positions. */
export function spatialAffinity(x: Tensor): Tensor3D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const f = x.reshape([n, h * w, c]);
    const unit = f.div(f.square().sum(-1, true).sqrt().add(EPS));
    return tf.matMul(unit, unit, false, true) as Tensor3D;
  });
}

export class FakdLoss extends DistillLoss {
  readonly name = 'fakd';
  override readonly needsSameChannels = false;

  constructor(readonly distance: Distance) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameGrid(student, teacher);
    return tf.tidy(() => elementDistance(spatialAffinity(student), spatialAffinity(teacher), this.distance).mean() as Scalar);
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'He et al., FAKD: Feature-Affinity Based Knowledge Distillation for Efficient Image Super-Resolution, ICIP 2020; spatial_similarity in code/feature_transformation.py and FeatureLoss(nn.L1Loss) in code/loss.py of Vincent-Hoo/Knowledge-Distillation-for-Super-resolution (589d35f)',
  deviations: [
    "the 'l2' distance is an addition; the authors' code uses L1",
  ],
};

registerLoss('fakd', z.object({ distance: distanceOption.default('l1') }).strict(), (o) => new FakdLoss(o.distance), SOURCE);
