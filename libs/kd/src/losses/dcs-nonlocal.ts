// DCS-RISR's non-local regularisation (Qiao et al., arXiv 2212.07613; abstract-only: "Non-local
// regularization is employed to supplement the knowledge of patches from LR and HR subspace with
// free-computation inference"). kdlab's reading, stated as such: the SR trunk's features, which
// live on the LR grid, should relate their patches to one another as the HR image's patches do.
// Per image, cut the feature map F [h, w, C] into M non-overlapping p x p patches and the HR
// image [s·h, s·w, 3] into the M co-located (s·p) x (s·p) patches; flatten each patch, centre it
// (subtract its mean) and L2-normalise it (ε = 1e-8 under the root); the non-local affinities are
// the cosine similarities of all patch pairs, A_F = F̂ F̂ᵀ and A_HR = Ŷ Ŷᵀ (M x M). Then
//
//   L = (1/(N·M²)) Σ_n ‖A_F,n − A_HR,n‖²_F
//
// Student: a feature tap on the LR grid (dcs-risr's 'sr.body'); teacher: the HR target (`teacher:
// target`), s = its size over the feature map's (an integer). A map whose sides are not multiples
// of p is cropped at the bottom/right. Training only: nothing of it runs at inference.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

/** Centred, L2-normalised patch vectors [N, M, size²·C] of a map cut into size x size patches. */
function patchVectors(x: Tensor4D, size: number): Tensor {
  const [n, h, w, c] = x.shape;
  const gh = Math.floor(h / size);
  const gw = Math.floor(w / size);
  const cropped = x.slice([0, 0, 0, 0], [n, gh * size, gw * size, c]);
  const v = cropped.reshape([n, gh, size, gw, size, c]).transpose([0, 1, 3, 2, 4, 5]).reshape([n, gh * gw, size * size * c]);
  const centred = v.sub(v.mean(2, true));
  return centred.div(centred.square().sum(2, true).add(1e-8).sqrt());
}

export function nonLocalAffinity(x: Tensor4D, size: number): Tensor {
  const v = patchVectors(x, size);
  return tf.matMul(v, v, false, true);
}

export class DcsNonLocalLoss extends DistillLoss {
  readonly name = 'dcs-nonlocal';
  override readonly needsSameChannels = false;

  constructor(readonly patch: number) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertRank(student, 4, 'student features');
    this.assertRank(teacher, 4, 'HR target');
    const [n, h, w] = student.shape;
    const scale = (teacher.shape[1] as number) / h;
    if (teacher.shape[0] !== n || !Number.isInteger(scale) || teacher.shape[2] !== scale * w) {
      throw new Error(`loss '${this.name}': HR [${teacher.shape}] must be an integer multiple of the features [${student.shape}] in both sides, same batch`);
    }
    if (h < this.patch || w < this.patch) throw new Error(`loss '${this.name}': features ${h}x${w} are smaller than one ${this.patch}x${this.patch} patch`);
    return tf.tidy(() => nonLocalAffinity(student as Tensor4D, this.patch).sub(nonLocalAffinity(teacher as Tensor4D, this.patch * scale)).square().mean() as Scalar);
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Qiao et al., DCS-RISR, arXiv 2212.07613 (abstract: non-local regularisation over LR and HR patch subspaces, free at inference; no code released)',
  deviations: ['kdlab\'s reading: squared difference of the patch-cosine affinity matrices of the trunk features (p x p LR patches) and of the HR target (co-located sp x sp patches); patch size, centring, normalisation and the squared Frobenius distance are choices'],
};

registerLoss('dcs-nonlocal', z.object({ patch: z.number().int().min(1).default(4) }).strict(), (o) => new DcsNonLocalLoss(o.patch), SOURCE);
