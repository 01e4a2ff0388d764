// The OTB protocol (Wu et al., TPAMI 2015) as the got10k toolkit computes it
// (got10k.experiments.otb.ExperimentOTB: rect_iou, center_error, _calc_curves, report):
//   IoU of the (x, y, w, h) boxes: intersection / (union + machine eps), clipped to [0, 1];
//   centre error: distance of the centres x + (w - 1)/2, y + (h - 1)/2, in pixels;
//   success curve: fraction of frames with IoU > t for t = 0, 0.05, ..., 1 (21 thresholds);
//     the success score (AUC) is its mean;
//   precision curve: fraction of frames with centre error <= t px for t = 0, 1, ..., 50;
//     the precision score is its value at 20 px;
//   over every frame of the sequence, the first frame's prediction replaced by the ground
//   truth (it is the initialisation); over several sequences, curves are averaged per sequence.
import type { Box } from './boxes';

export const SUCCESS_THRESHOLDS = Array.from({ length: 21 }, (_, i) => i / 20);
export const PRECISION_THRESHOLDS = Array.from({ length: 51 }, (_, i) => i);

/** float64 machine epsilon, numpy's np.finfo(float).eps. */
const EPS = 2.220446049250313e-16;

export const OTB_CONVENTION =
  'OTB protocol as the got10k toolkit computes it: boxes (x,y,w,h) 1-based; success = fraction of frames with IoU > t for 21 thresholds t = 0..1, score = mean (AUC); precision = fraction with centre error <= t px, score at t = 20; first frame = ground truth; several sequences: mean of per-sequence curves (leave-one-sequence-out folds: one sequence each)';

export function iou(a: Box, b: Box): number {
  const w = Math.max(Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]), 0);
  const h = Math.max(Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]), 0);
  const inter = w * h;
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  const v = inter / (union + EPS);
  return Number.isNaN(v) ? v : Math.min(1, Math.max(0, v));
}

export function centreError(a: Box, b: Box): number {
  return Math.hypot(a[0] + (a[2] - 1) / 2 - (b[0] + (b[2] - 1) / 2), a[1] + (a[3] - 1) / 2 - (b[1] + (b[3] - 1) / 2));
}

export interface OtbScores {
  frames: number;
  successAuc: number;
  precision20: number;
  successCurve: number[];
  precisionCurve: number[];
}

export function otbScores(groundTruth: Box[], predictions: Box[]): OtbScores {
  if (groundTruth.length !== predictions.length) {
    throw new Error(`OTB evaluation: ${predictions.length} predicted boxes for ${groundTruth.length} ground-truth frames (one box per frame, first frame included)`);
  }
  const n = groundTruth.length;
  const pred = predictions.map((b, i) => (i === 0 ? groundTruth[0] : b));
  const ious = pred.map((b, i) => iou(b, groundTruth[i]));
  const errors = pred.map((b, i) => centreError(b, groundTruth[i]));
  // NaN compares false, as in numpy: a frame with a NaN box counts as a failure.
  const successCurve = SUCCESS_THRESHOLDS.map((t) => ious.filter((v) => v > t).length / n);
  const precisionCurve = PRECISION_THRESHOLDS.map((t) => errors.filter((e) => e <= t).length / n);
  return { frames: n, successAuc: successCurve.reduce((a, b) => a + b, 0) / successCurve.length, precision20: precisionCurve[20], successCurve, precisionCurve };
}

/** got10k's overall score: curves averaged over sequences, then AUC and precision@20 of the mean curves. */
export function meanOverSequences(scores: OtbScores[]): OtbScores {
  const mean = (k: 'successCurve' | 'precisionCurve') => scores[0][k].map((_, i) => scores.reduce((a, s) => a + s[k][i], 0) / scores.length);
  const successCurve = mean('successCurve');
  const precisionCurve = mean('precisionCurve');
  return { frames: scores.reduce((a, s) => a + s.frames, 0), successAuc: successCurve.reduce((a, b) => a + b, 0) / successCurve.length, precision20: precisionCurve[20], successCurve, precisionCurve };
}
