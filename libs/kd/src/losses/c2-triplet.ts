// C2-Matching's contrastive correspondence loss: a triplet margin loss on L2-normalised dense descriptors
// with the hardest negative outside a safe radius.
// Jiang, Chan, Wang, Loy, Liu, "Robust Reference-based Super-Resolution via C2-Matching", CVPR 2021.
// Official code read: yumingj/C2-Matching@6d60149, mmsr/models/teacher_contras_model.py (loss_function)
// and options/train/stage1_teacher_contras_network.yml (margin 1.0, safe_radius 4, scaling_steps 2).
//
// compute(f1, f2, context): f1 [N, h1, w1, C] the descriptors of view 1 (the input), f2 [N, h2, w2, C] those
// of view 2 (the reference; the released network has separate weights per view), context.correspondence
// [N, H, W, 2] where each view-1 pixel lies in view 2 (x, y). Per sample, with the matched cells of
// ../two-view.ts (d1_k: view-1 cell k normalised, d2_k: its partner in view 2 normalised, a1: every
// view-1 cell normalised) and d(a, b) = 2 − 2⟨a, b⟩:
//   pos_k  = d(d1_k, d2_k)
//   neg2_k = min_l d(d1_k, d2_l) over partners l with Chebyshev distance(cell2_k, cell2_l) > r
//   neg1_k = min_m d(d2_k, a1_m) over all view-1 cells m with Chebyshev distance(cell1_k, m) > r
//   loss   = mean_k relu(margin + pos_k − min(neg1_k, neg2_k))
// Excluded candidates get +10 rather than being removed (as released: with no candidate outside the radius
// the "negative" is a masked one). Samples with fewer than `minMatches` (128) matches are skipped; the
// result is the mean over the remaining samples; when none remains the released code raises, and so do we.
// Choices the code leaves open or that differ: the valid region of view 2 uses view 2's feature size (the
// released code uses view 1's, equal for its equal-size crops); the gradient at a tie of the min is
// split by tfjs between equal entries (torch picks one).
// `packed` (added for experiments/ref-sr, whose contras-pair model outputs both views' descriptors on the
// channel axis, view 1 first): the first argument holds view 1 ⊕ view 2 and is split in half; the second
// argument is then unused (write `teacher: target`), so the loss also serves as a teacher-training loss.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor2D } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss, type LossContext } from '../loss';
import { matchedSamples, normaliseRows, twoViewOptions, type TwoViewLossOptions } from '../two-view';

/** A [rows × cols] constant: +10 where the Chebyshev distance between cells is ≤ radius (inside the safe radius). */
function safeRadiusPenalty(rowsA: Int32Array, colsA: Int32Array, rowsB: Int32Array, colsB: Int32Array, radius: number): Tensor2D {
  const out = new Float32Array(rowsA.length * rowsB.length);
  for (let a = 0; a < rowsA.length; a++) {
    for (let b = 0; b < rowsB.length; b++) {
      if (Math.max(Math.abs(rowsA[a] - rowsB[b]), Math.abs(colsA[a] - colsB[b])) <= radius) out[a * rowsB.length + b] = 10;
    }
  }
  return tf.tensor2d(out, [rowsA.length, rowsB.length]);
}

/** View 1 and view 2 descriptors of a tensor holding both on the channel axis (view 1 first). */
export function unpackViews(who: string, both: Tensor): [Tensor, Tensor] {
  const c = both.shape[both.rank - 1];
  if (both.rank !== 4 || c % 2 !== 0) throw new Error(`loss '${who}': packed descriptors [${both.shape}] must be NHWC with an even channel count (view 1 ⊕ view 2)`);
  return tf.split(both, 2, 3) as [Tensor, Tensor];
}

export class C2TripletLoss extends DistillLoss {
  readonly name = 'c2-triplet';

  constructor(readonly opts: TwoViewLossOptions & { margin: number; safeRadius: number; packed?: boolean }) {
    super();
  }

  compute(first: Tensor, second: Tensor, context?: LossContext): Scalar {
    const [view1, view2] = this.opts.packed ? unpackViews(this.name, first) : [first, second];
    if (view1.shape[3] !== view2.shape[3]) throw new Error(`loss '${this.name}': view-1 [${view1.shape}] and view-2 [${view2.shape}] descriptors need the same channels`);
    const samples = matchedSamples(this.name, view1, view2, context, this.opts);
    const [, h1, w1, c] = view1.shape;
    const [, h2, w2] = view2.shape;
    const allRows = Int32Array.from({ length: h1 * w1 }, (_, k) => Math.floor(k / w1));
    const allCols = Int32Array.from({ length: h1 * w1 }, (_, k) => k % w1);
    const { margin, safeRadius, minMatches } = this.opts;
    return tf.tidy(() => {
      const perSample: Scalar[] = [];
      samples.forEach((m, b) => {
        if (m.count < minMatches) return;
        const all1 = normaliseRows(view1.slice([b, 0, 0, 0], [1, h1, w1, c]).reshape([h1 * w1, c]) as Tensor2D);
        const d1 = tf.gather(all1, tf.tensor1d(m.flat1, 'int32')) as Tensor2D;
        const d2 = normaliseRows(tf.gather(view2.slice([b, 0, 0, 0], [1, h2, w2, c]).reshape([h2 * w2, c]), tf.tensor1d(m.flat2, 'int32')) as Tensor2D);
        const positive = tf.scalar(2).sub(d1.mul(d2).sum(1).mul(2));
        const neg2 = tf.scalar(2).sub(tf.matMul(d1, d2, false, true).mul(2))
          .add(safeRadiusPenalty(m.rows2, m.cols2, m.rows2, m.cols2, safeRadius)).min(1);
        const neg1 = tf.scalar(2).sub(tf.matMul(d2, all1, false, true).mul(2))
          .add(safeRadiusPenalty(m.rows1, m.cols1, allRows, allCols, safeRadius)).min(1);
        perSample.push(tf.relu(positive.sub(tf.minimum(neg1, neg2)).add(margin)).mean() as Scalar);
      });
      return tf.addN(perSample).div(perSample.length) as Scalar;
    });
  }
}

const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Jiang et al., Robust Reference-based Super-Resolution via C2-Matching, CVPR 2021; yumingj/C2-Matching@6d60149 '
    + 'mmsr/models/teacher_contras_model.py (loss_function, warp), options/train/stage1_teacher_contras_network.yml',
  deviations: [
    "view 2's valid region (10 px from its edge) uses view 2's own feature size; the released code uses view 1's (equal there)",
    'at a tie of the hardest-negative min the gradient is shared between the tied entries (torch: one of them)',
  ],
};

registerLoss(
  'c2-triplet',
  z.object({ margin: z.number().positive().default(1.0), safeRadius: z.number().nonnegative().default(4), packed: z.boolean().default(false), ...twoViewOptions }).strict(),
  (o) => new C2TripletLoss(o),
  SOURCE,
);
