// FAKD: spatial-affinity distillation.
// He, Dai, Lu, Jiang, Xia, "FAKD: Feature-Affinity Based Knowledge Distillation
// for Efficient Image Super-Resolution", ICIP 2020.
//
// For a feature map F (one image, H*W positions x C channels) with rows
// normalised, F^_p = F_p / (||F_p||_2 + eps), the spatial affinity matrix is
//   A = F^ F^T   (H*W x H*W; A_pq = cosine similarity of positions p and q)
//   L = mean_{n,p,q} |A_s - A_t|        (distance 'l1', default; 'l2' squares instead)
// eps = 1e-8 added to the norm, as spatial_similarity in the authors' code
// (code/feature_transformation.py at 589d35f; an earlier commit had 1e-7); the
// mean over all N*(HW)^2 entries, as their nn.L1Loss on the affinity matrices.
// Their SISR recipe (code/scripts/train_edsr_SA_x4.sh, code/loss.py) is
//   0.5 L1(S, HR) + 0.5 L1(S, T_out) + 10 * sum over three trunk taps of this loss
// (--alpha 0.5, --feature_distilation_type 10*SA, --features [1,2,3]: the outputs of
// the three thirds of EDSR's residual body); experiments/sisr/configs/methods/fakd.yaml
// is that recipe. The affinity does not
// depend on the channel count, so no adapter is needed (needsSameChannels = false);
// student and teacher must have the same H and W. Memory is N*(HW)^2 floats:
// tap at the LR resolution (e.g. 'body'), not after the upsampler.
// `pool: k` (a kdlab addition, default 1 = the authors' loss) first average-pools both maps
// k x k with stride k, so the affinity is over (H/k)(W/k) positions: the cross-task study uses
// it on CT's 64 x 64 tap, where the full 4096 x 4096 affinity made a step ~20x slower.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor3D, Tensor4D } from '@kdlab/engine';
import { distanceOption, elementDistance, type Distance } from '../distance';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

const EPS = 1e-8;

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

  constructor(
    readonly distance: Distance,
    readonly pool = 1,
  ) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameGrid(student, teacher);
    const [, h, w] = student.shape;
    if (h % this.pool !== 0 || w % this.pool !== 0) throw new Error(`fakd: pool ${this.pool} does not divide the ${h}x${w} feature map`);
    return tf.tidy(() => {
      const pooled = (x: Tensor) => (this.pool === 1 ? x : tf.avgPool(x as Tensor4D, this.pool, this.pool, 'valid'));
      return elementDistance(spatialAffinity(pooled(student)), spatialAffinity(pooled(teacher)), this.distance).mean() as Scalar;
    });
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'He et al., FAKD: Feature-Affinity Based Knowledge Distillation for Efficient Image Super-Resolution, ICIP 2020; spatial_similarity in code/feature_transformation.py and FeatureLoss(nn.L1Loss) in code/loss.py of Vincent-Hoo/Knowledge-Distillation-for-Super-resolution (589d35f)',
  deviations: [
    "the 'l2' distance is an addition; the authors' code uses L1",
    "the 'pool' option (average pooling before the affinity) is an addition; default 1 is the authors' loss",
  ],
};

registerLoss('fakd', z.object({ distance: distanceOption.default('l1'), pool: z.number().int().positive().default(1) }).strict(), (o) => new FakdLoss(o.distance, o.pool), SOURCE);
