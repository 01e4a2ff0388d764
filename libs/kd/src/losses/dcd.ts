// DCD: dynamic contrastive distillation for image-text retrieval. Rao, Ding, Qi, Fang, Liu, Shen,
// Tao, "Dynamic Contrastive Distillation for Image-Text Retrieval", IEEE TMM 2023; released code
// raojay7/DCD (METER): meter/modules/objectives.py compute_irtr (hard-negative selection) and
// meter/modules/KD_loss.py distillation_loss (the loss). Read there, written here from scratch.
//
// Input: student and teacher scores [B, P] of the same candidates per query (slot 0 the positive,
// slots 1.. the pool of sampled negatives; the retrieval task's layout). Per query:
//   1. the teacher ranks the P candidates; its top K+1 (K = hardNegatives) are the hard set; the
//      student scores [positive, the K hardest negatives in the teacher's order] (when the
//      positive is not in the teacher's top K+1, the K first teacher picks are the negatives);
//   2. p = softmax(t) over the chosen teacher scores, h_i = Σ_k p log p (negative entropy),
//      w_i = h_i / Σ_j h_j (sums to 1), r = softmax_over_batch((1 - w)²);
//   3. d = T² Σ_i r_i · mean_k ((t_ik - y_ik)/T)²   (distillation: MSE of raw scores, as released)
//      n = Σ_i w_i · mean_k BCEWithLogits(y_ik, [1, 0, ..., 0])   (ground truth, as released)
//      L = α d + (1 - α) n,  α = 0.2, T = 1 (released values).
//
// Two defects of the released code, and what `variant` does about them:
//   - `released` reproduces them: the teacher scores stay in the teacher's sorted order (slot 0 is
//     the teacher's top candidate, the positive only when the teacher ranks it first) while the
//     student's slot 0 is the positive; and r multiplies the batch-mean MSE, so Σ r = 1 leaves d
//     an unweighted mean (the dynamic weights act on n only).
//   - `aligned` (default): teacher scores gathered at the student's candidates (same slots), and
//     d weighted per sample by r, as the method describes.
// `dynamic: false` is the static contrastive distillation baseline: same hard negatives and
// terms, uniform per-sample weights (1/B) in both d and n.
// Choices the source leaves open: the entropy weights read the teacher at T = 1 (as released);
// a teacher whose softmax is exactly one-hot everywhere (Σ h = 0) falls back to uniform w.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor2D } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

export interface DcdOptions {
  alpha: number;
  temperature: number;
  hardNegatives: number;
  dynamic: boolean;
  variant: 'aligned' | 'released';
}

/** The candidate slots each side reads, per query: student [positive, K negatives], teacher per variant. */
export function dcdSelection(teacher: Float32Array | number[], batch: number, pool: number, k: number, variant: DcdOptions['variant']): { student: number[][]; teacher: number[][] } {
  const student: number[][] = [];
  const chosen: number[][] = [];
  for (let i = 0; i < batch; i++) {
    const row = Array.from({ length: pool }, (_, j) => teacher[i * pool + j]);
    // Descending by score; ties keep the lower slot first (a stable sort, as torch.sort is on CPU).
    const order = row.map((_, j) => j).sort((a, b) => row[b] - row[a] || a - b);
    const top = order.slice(0, k + 1);
    const negatives = top.includes(0) ? top.filter((j) => j !== 0) : top.slice(0, k);
    student.push([0, ...negatives]);
    chosen.push(variant === 'released' ? top : [0, ...negatives]);
  }
  return { student, teacher: chosen };
}

/** x[i, idx[i][j]] as a differentiable product with one-hot rows: [B, P] → [B, J]. */
function gatherRows(x: Tensor2D, idx: number[][]): Tensor2D {
  const [b, p] = x.shape;
  const j = idx[0].length;
  const onehot = new Float32Array(b * j * p);
  idx.forEach((row, i) => row.forEach((c, q) => (onehot[(i * j + q) * p + c] = 1)));
  const sel = tf.tensor3d(onehot, [b, j, p]);
  return tf.matMul(sel, x.reshape([b, p, 1])).reshape([b, j]) as Tensor2D;
}

export class DcdLoss extends DistillLoss {
  readonly name = 'dcd';

  constructor(readonly o: DcdOptions) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertRank(student, 2, 'student scores');
    this.assertSameShape(student, teacher);
    const [b, pool] = student.shape as [number, number];
    const k = this.o.hardNegatives;
    if (pool < k + 1) throw new Error(`loss 'dcd': ${pool} candidates per query, hardNegatives ${k} needs at least ${k + 1}`);
    const sel = dcdSelection(teacher.dataSync() as Float32Array, b, pool, k, this.o.variant);
    const { alpha, temperature: T } = this.o;
    return tf.tidy(() => {
      const y = gatherRows(student as Tensor2D, sel.student);
      const t = gatherRows(teacher as Tensor2D, sel.teacher);
      let w: Tensor;
      let r: Tensor;
      if (this.o.dynamic) {
        const logP = tf.logSoftmax(t, 1);
        const h = tf.sum(tf.mul(tf.exp(logP), logP), 1); // [B], ≤ 0
        const total = tf.sum(h);
        const degenerate = total.dataSync()[0] === 0;
        w = degenerate ? tf.fill([b], 1 / b) : tf.div(h, total);
        r = tf.softmax(tf.square(tf.sub(1, w)));
      } else {
        w = tf.fill([b], 1 / b);
        r = w;
      }
      const sq = tf.square(tf.sub(tf.div(t, T), tf.div(y, T))); // [B, K+1]
      const d = this.o.variant === 'released'
        ? tf.mul(tf.sum(r), tf.mean(sq)) // Σ r · (batch-mean MSE): the weights cancel
        : tf.sum(tf.mul(r, tf.mean(sq, 1)));
      const label = tf.tensor2d(Array.from({ length: b * (k + 1) }, (_, q) => (q % (k + 1) === 0 ? 1 : 0)), [b, k + 1]);
      // BCE with logits, the stable form: max(y,0) - y·label + log(1 + exp(-|y|)).
      const bce = tf.mean(tf.add(tf.sub(tf.relu(y), tf.mul(y, label)), tf.log1p(tf.exp(tf.neg(tf.abs(y))))), 1);
      const n = tf.sum(tf.mul(w, bce));
      return tf.add(tf.mul(alpha * T * T, d), tf.mul(1 - alpha, n)) as Scalar;
    });
  }
}

const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Rao et al., Dynamic Contrastive Distillation for Image-Text Retrieval, IEEE TMM 2023; raojay7/DCD (meter/modules/objectives.py compute_irtr, meter/modules/KD_loss.py distillation_loss)',
  deviations: [
    "variant 'aligned' (default) fixes two defects of the released code: teacher scores are gathered at the student's candidates (released: left in the teacher's sorted order), and the dynamic weights r weight the per-sample MSE (released: they multiply the batch-mean MSE and cancel); variant 'released' keeps both",
    'the student scores the whole candidate pool and the loss gathers the chosen slots (released: the student runs on the chosen slots only; same gradients)',
    'dynamic: false (static contrastive distillation) is a kdlab baseline: uniform per-sample weights, everything else as DCD',
  ],
};

registerLoss(
  'dcd',
  z.object({
    alpha: z.number().min(0).max(1).default(0.2),
    temperature: z.number().positive().default(1),
    hardNegatives: z.number().int().positive().default(7),
    dynamic: z.boolean().default(true),
    variant: z.enum(['aligned', 'released']).default('aligned'),
  }).strict(),
  (o) => new DcdLoss(o),
  SOURCE,
);
