// CoCo DistillNet's cross-layer correlation (Zou & Sun, "CoCo DistillNet: a Cross-layer
// Correlation Distillation Network for Pathological Gastric Cancer Segmentation",
// IEEE BIBM 2021, arXiv 2108.12173). Only the abstract is explicit (the student learns
// the teacher's correlations between the spatial features of different layers; the
// authors' successor code, WrinkleXuan/Graph-FLow, calls a
// Cross_layer_CriterionSpatialwithChannel whose file is missing), so every detail
// below is our choice:
//
//   For layers a (the term's tap) and b (`partner`) of one network, both average-pooled
//   to the coarser layer's grid (and then by `pool`), with unit-length position vectors
//   f^_p = f_p / (||f_p|| + 1e-7):
//     K_a = F^_a F^_a^T,  K_b = F^_b F^_b^T                 (P x P spatial affinities; channels mixed)
//     C_ab = K_a K_b / P                                      (cross-layer correlation, P x P)
//   C_ab[p, q] sums over positions r how alike p and r are in layer a times how alike r
//   and q are in layer b: how spatial similarity flows from layer a to layer b (the
//   "flow of solution procedure" of FSP, Yim et al. 2017, over positions instead of
//   channels, so it does not depend on the widths and needs no adapter).
//   L = mean_{n,p,q} (C^s_ab - C^t_ab)^2
//
// The partner layer is read from the LossContext (declared in `extraTaps`, so the
// runner records it); student and teacher name their layers alike (the segmentation
// backbones share tap names), or `partnerTeacher` names the teacher's.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D } from '@kdlab/engine';
import type { MethodSource } from '../source';
import type { ExtraTaps } from '../auxiliary';
import { DistillLoss, registerLoss, type LossContext } from '../loss';
import { pooledAffinity } from './skd-pairwise';

/** C_ab [N, P, P] of layers a, b ([N, H, W, C], spatial sizes in an integer ratio). */
export function crossLayerCorrelation(a: Tensor, b: Tensor, pool: number): Tensor {
  return tf.tidy(() => {
    const [fine, coarse] = a.shape[1]! >= b.shape[1]! ? [a, b] : [b, a];
    const ry = fine.shape[1]! / coarse.shape[1]!;
    const rx = fine.shape[2]! / coarse.shape[2]!;
    if (!Number.isInteger(ry) || ry !== rx) throw new Error(`loss 'coco-correlation': layers [${a.shape}] and [${b.shape}] need spatial sizes in one integer ratio`);
    const pooledFine = ry > 1 ? tf.avgPool(fine as Tensor4D, ry, ry, 'valid') : fine;
    const [pa, pb] = fine === a ? [pooledFine, coarse] : [coarse, pooledFine];
    const ka = pooledAffinity(pa, pool);
    const kb = pooledAffinity(pb, pool);
    return tf.matMul(ka, kb).div(ka.shape[1]!);
  });
}

export class CocoCorrelationLoss extends DistillLoss {
  readonly name = 'coco-correlation';
  override readonly needsSameChannels = false;
  readonly extraTaps: ExtraTaps;

  constructor(readonly partner: string, readonly partnerTeacher: string, readonly pool: number) {
    super();
    this.extraTaps = { student: [partner], teacher: [partnerTeacher] };
  }

  compute(student: Tensor, teacher: Tensor, context?: LossContext): Scalar {
    const sb = context?.student?.features[this.partner];
    const tb = context?.teacher?.features[this.partnerTeacher];
    if (!sb || !tb) throw new Error(`loss 'coco-correlation': the partner layers (student '${this.partner}', teacher '${this.partnerTeacher}') are not in the taps given to the loss`);
    this.assertSameGrid(student, teacher);
    this.assertSameGrid(sb, tb);
    return tf.tidy(() => crossLayerCorrelation(student, sb, this.pool).sub(crossLayerCorrelation(teacher, tb, this.pool)).square().mean() as Scalar);
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Zou & Sun, "CoCo DistillNet: a Cross-layer Correlation Distillation Network for Pathological Gastric Cancer Segmentation", IEEE BIBM 2021 (arXiv 2108.12173); no code released (the Graph Flow repository WrinkleXuan/Graph-FLow lacks its criterion file)',
  deviations: [
    'the correlation C_ab = K_a K_b / P of the two layers\' position affinities is our reading of "cross-layer correlation"',
    'layer pairs, average pooling to the coarser grid (and by `pool`), squared error averaged over positions: our choices',
  ],
};

registerLoss(
  'coco-correlation',
  z
    .object({ partner: z.string().min(1), partnerTeacher: z.string().min(1).optional(), pool: z.number().int().min(1).default(1) })
    .strict(),
  (o) => new CocoCorrelationLoss(o.partner, o.partnerTeacher ?? o.partner, o.pool),
  SOURCE,
);
