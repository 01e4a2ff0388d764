// How Siamese tracker outputs and training targets are laid out, for the tracking losses
// (losses/siamese-cls.ts, rpn-reg.ts, response-kd.ts, teacher-bounded-reg.ts,
// conditional-mutual.ts). One place, so the losses and the task agree.
//
// Output of one tracker [N, R, R, D]:
//   siamfc  D = 1: the response (a logit per position)
//   siamrpn D = 6K: anchor k's logits (bg, fg) at channels 2k, 2k+1; its box deltas
//           (dx, dy, dw, dh) at 2K + 4k .. 2K + 4k + 3
// A cohort of M trackers concatenates them: [N, R, R, M*D].
// Target [N, R, R, 5K] (K = 1 for siamfc): per anchor k, channel 5k the label (1 positive,
// 0 negative, -1 ignored) and 5k+1 .. 5k+4 the regression target (zeros for siamfc).
// Classification is treated everywhere as a two-class problem per anchor and position:
// siamfc's logit s is the pair (0, s), whose softmax is (1 - sigmoid(s), sigmoid(s)).
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';

export type SiameseHead = 'siamfc' | 'siamrpn';

export const headOptions = {
  head: z.enum(['siamfc', 'siamrpn']).default('siamrpn'),
  /** Anchors per position K (siamrpn; must be 1 for siamfc). */
  anchors: z.number().int().positive().default(5),
};

/** Channels of one tracker's output. */
export function outputWidth(head: SiameseHead, k: number): number {
  return head === 'siamfc' ? 1 : 6 * k;
}

export function assertHead(loss: string, head: SiameseHead, k: number): void {
  if (head === 'siamfc' && k !== 1) throw new Error(`loss '${loss}': head siamfc has one response per position; set anchors: 1 (got ${k})`);
}

function checkWidth(loss: string, x: Tensor, want: number, what: string): void {
  if (x.rank !== 4) throw new Error(`loss '${loss}': ${what} must be NHWC [N, R, R, C], got [${x.shape}]`);
  if (x.shape[3] !== want) throw new Error(`loss '${loss}': ${what} has ${x.shape[3]} channels, expected ${want}`);
}

/** Two-class logits [N, R, R, K, 2] of one tracker's output. */
export function clsLogits(loss: string, out: Tensor, head: SiameseHead, k: number): Tensor {
  checkWidth(loss, out, outputWidth(head, k), 'the tracker output');
  const [n, r1, r2] = out.shape;
  if (head === 'siamfc') {
    const s = out.reshape([n, r1, r2, 1, 1]);
    return tf.concat([tf.zerosLike(s), s], -1);
  }
  return out.slice([0, 0, 0, 0], [n, r1, r2, 2 * k]).reshape([n, r1, r2, k, 2]);
}

/** Box deltas [N, R, R, K, 4] of one siamrpn output. */
export function regDeltas(loss: string, out: Tensor, k: number): Tensor {
  checkWidth(loss, out, 6 * k, 'the siamrpn output');
  const [n, r1, r2] = out.shape;
  return out.slice([0, 0, 0, 2 * k], [n, r1, r2, 4 * k]).reshape([n, r1, r2, k, 4]);
}

/** Labels [N, R, R, K] and regression targets [N, R, R, K, 4] of a target tensor. */
export function splitTarget(loss: string, target: Tensor, k: number): { labels: Tensor; deltas: Tensor } {
  checkWidth(loss, target, 5 * k, 'the target');
  const [n, r1, r2] = target.shape;
  const t = target.reshape([n, r1, r2, k, 5]);
  return { labels: t.slice([0, 0, 0, 0, 0], [n, r1, r2, k, 1]).reshape([n, r1, r2, k]), deltas: t.slice([0, 0, 0, 0, 1], [n, r1, r2, k, 4]) };
}

/**
 * Balanced two-class cross-entropy: 0.5 * (mean over positives) + 0.5 * (mean over negatives),
 * ignored anchors (label -1) left out; a part with no anchors contributes 0. `perSample`
 * takes the means within each sample ([N]); otherwise over the whole batch (scalar).
 */
export function balancedCe(logits: Tensor, labels: Tensor, perSample: boolean): Tensor {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits, -1);
    const [n] = labels.shape;
    const rest = logits.shape.slice(0, -1);
    const pos = labels.equal(1).toFloat();
    const neg = labels.equal(0).toFloat();
    const nllPos = logp.slice([...rest.map(() => 0), 1], [...rest, 1]).reshape(rest).neg();
    const nllNeg = logp.slice([...rest.map(() => 0), 0], [...rest, 1]).reshape(rest).neg();
    const part = (nll: Tensor, mask: Tensor) => {
      if (!perSample) return nll.mul(mask).sum().div(mask.sum().maximum(1));
      const flat = (x: Tensor) => x.reshape([n, -1]);
      return flat(nll.mul(mask)).sum(1).div(flat(mask).sum(1).maximum(1));
    };
    return part(nllPos, pos).mul(0.5).add(part(nllNeg, neg).mul(0.5));
  });
}

/** KL(p_t || p_s) of two-class distributions at temperature T, per anchor: [N, R, R, K]. */
export function twoClassKl(studentLogits: Tensor, teacherLogits: Tensor, temperature: number): Tensor {
  return tf.tidy(() => {
    const logPt = tf.logSoftmax(teacherLogits.div(temperature), -1);
    const logPs = tf.logSoftmax(studentLogits.div(temperature), -1);
    return logPt.exp().mul(logPt.sub(logPs)).sum(-1);
  });
}

/** Member p's slice [N, R, R, D] of a cohort output [N, R, R, M*D]. */
export function memberOutput(loss: string, out: Tensor, members: number, p: number, width: number): Tensor {
  if (out.rank !== 4 || out.shape[3] !== members * width) throw new Error(`loss '${loss}': the cohort output must be [N, R, R, ${members} x ${width}], got [${out.shape}]`);
  const [n, r1, r2] = out.shape;
  return out.slice([0, 0, 0, p * width], [n, r1, r2, width]);
}
