// Correspondence accuracy against a ground-truth homography (reference-based SR, issue 12): how many
// predicted matches input (x1, y1) → reference (x2, y2) land within t pixels of where the homography
// sends (x1, y1). Distances are Euclidean, in reference-image pixels (0-based pixel coordinates).
import type { Homography } from '@kdlab/data';

export interface PointMatch {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface CorrespondenceAccuracy {
  matches: number;
  /** Fraction of matches with error ≤ t, per threshold t (pixels), in the order given. */
  within: { threshold: number; fraction: number }[];
  /** Median reprojection error (pixels); Infinity counts for points the homography sends to infinity. */
  medianError: number;
}

export const DEFAULT_THRESHOLDS = [1, 2, 4] as const;

function checkHomography(h: Homography): void {
  if (h.length !== 9 || !h.every(Number.isFinite)) {
    throw new Error(`homography: expected 9 finite numbers (3x3 row-major), got ${h.length} values [${h.join(', ')}]`);
  }
}

/** Where the homography sends (x, y); null when the point maps to (or behind) infinity. */
export function projectPoint(h: Homography, x: number, y: number): [number, number] | null {
  checkHomography(h);
  const w = h[6] * x + h[7] * y + h[8];
  if (!(w > 1e-12)) return null;
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** Reprojection error of each match (pixels). */
export function reprojectionErrors(matches: readonly PointMatch[], h: Homography): number[] {
  checkHomography(h);
  return matches.map((m, i) => {
    for (const key of ['x1', 'y1', 'x2', 'y2'] as const) {
      if (!Number.isFinite(m[key])) throw new Error(`matches[${i}].${key} is ${m[key]}, expected a finite number`);
    }
    const p = projectPoint(h, m.x1, m.y1);
    return p ? Math.hypot(p[0] - m.x2, p[1] - m.y2) : Infinity;
  });
}

export function correspondenceAccuracy(
  matches: readonly PointMatch[],
  h: Homography,
  thresholds: readonly number[] = DEFAULT_THRESHOLDS,
): CorrespondenceAccuracy {
  if (matches.length === 0) throw new Error('correspondenceAccuracy: no matches given');
  for (const t of thresholds) if (!(t > 0)) throw new Error(`correspondenceAccuracy: threshold ${t} must be > 0`);
  const errors = reprojectionErrors(matches, h);
  const sorted = [...errors].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianError = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    matches: matches.length,
    within: thresholds.map((threshold) => ({ threshold, fraction: errors.filter((e) => e <= threshold).length / errors.length })),
    medianError,
  };
}
