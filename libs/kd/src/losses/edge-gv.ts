// Edge-enhanced gradient-variance loss of EFDN (Wang, "Edge-enhanced Feature Distillation Network for
// Efficient Super-Resolution", CVPR-W 2022, Sec. 3.3), which adds a Laplacian map to the
// gradient-variance (GV) loss of Abrahamyan et al. ("Gradient Variance Loss for Structure-Enhanced
// Image Super-Resolution", ICASSP 2022; code lusinlu/gradient-variance-loss 52416f2,
// gradient_variance_loss.py, read). EFDN released no training code.
//
//   g   = 0.2989 R + 0.5870 G + 0.1140 B                        grey image of SR and of HR
//   G_k = K_k ∗ g, K ∈ {Sobel-x, Sobel-y, Laplacian}            3x3, zero padding 1 (same size)
//   v_k = unbiased variance of G_k over each non-overlapping P x P patch (P = 8)
//   L   = Σ_k w_k · mean_{n, patches} (v_k(SR) - v_k(HR))²
//
// From the GV code: the grey weights, zero padding 1, Sobel kernels, non-overlapping patches by
// unfold (pixels past the last whole patch are dropped), the unbiased variance (torch.var's
// default), the MSE between variance maps. Open in both papers, chosen here: the weights w_x, w_y,
// w_lap (EFDN does not publish them; default 1, 1, 1: the GV code's unweighted sum, extended by
// the Laplacian term with the same weight), the Laplacian kernel (4-neighbour [0 1 0; 1 -4 1; 0 1 0],
// the one EFDN's EDBB uses), and the term's weight in the objective (set by the config).
// Teacher side: the HR target (term teacher: target); it can also be the teacher's SR output.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

const GREY = [0.2989, 0.587, 0.114];
export const GV_KERNELS = {
  x: [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ],
  y: [
    [1, 2, 1],
    [0, 0, 0],
    [-1, -2, -1],
  ],
  lap: [
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ],
} as const;
type Direction = keyof typeof GV_KERNELS;

/** [N, H, W, 3] -> per-patch unbiased variance of the grey image's response to kernel k: [N, H/P, W/P]. */
export function patchGradientVariance(x: Tensor, k: Direction, patch: number): Tensor {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    const hp = Math.floor(h / patch);
    const wp = Math.floor(w / patch);
    const grey = x.mul(tf.tensor1d(GREY)).sum(-1, true) as Tensor4D;
    const g = tf.conv2d(grey, tf.tensor4d(GV_KERNELS[k].flat(), [3, 3, 1, 1]), 1, 'same');
    const blocks = g
      .slice([0, 0, 0, 0], [n, hp * patch, wp * patch, 1])
      .reshape([n, hp, patch, wp, patch])
      .transpose([0, 1, 3, 2, 4])
      .reshape([n, hp, wp, patch * patch]);
    const mean = blocks.mean(-1, true);
    return blocks.sub(mean).square().sum(-1).div(patch * patch - 1);
  });
}

export class EdgeGvLoss extends DistillLoss {
  readonly name = 'edge-gv';

  constructor(readonly patch: number, readonly weights: Record<Direction, number>) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameShape(student, teacher);
    this.assertRank(student, 4, 'student');
    if (student.shape[3] !== 3) throw new Error(`loss 'edge-gv': needs RGB images [N, H, W, 3], got [${student.shape}]`);
    const [, h, w] = student.shape as number[];
    if (h < this.patch || w < this.patch) throw new Error(`loss 'edge-gv': images [${student.shape}] are smaller than one ${this.patch} x ${this.patch} patch`);
    return tf.tidy(() => {
      let total = tf.scalar(0);
      for (const k of Object.keys(GV_KERNELS) as Direction[]) {
        if (this.weights[k] === 0) continue;
        const d = patchGradientVariance(student, k, this.patch).sub(patchGradientVariance(teacher, k, this.patch));
        total = total.add(d.square().mean().mul(this.weights[k]));
      }
      return total as Scalar;
    });
  }
}

const SOURCE: MethodSource = {
  level: 'paper',
  reference:
    'Wang, Edge-enhanced Feature Distillation Network for Efficient Super-Resolution, CVPR-W 2022 (arXiv 2204.08759; no training code released); the GV loss of Abrahamyan et al., ICASSP 2022, lusinlu/gradient-variance-loss 52416f2 (gradient_variance_loss.py)',
  deviations: ['the Sobel-x / Sobel-y / Laplacian weights are ours (1, 1, 1): EFDN does not publish them', 'Laplacian kernel: 4-neighbour, as in EFDN\'s EDBB (the paper does not print it)'],
};

registerLoss(
  'edge-gv',
  z
    .object({
      patch: z.number().int().min(2).default(8),
      weights: z.object({ x: z.number().nonnegative(), y: z.number().nonnegative(), lap: z.number().nonnegative() }).strict().default({ x: 1, y: 1, lap: 1 }),
    })
    .strict(),
  (o) => new EdgeGvLoss(o.patch, o.weights),
  SOURCE,
);
