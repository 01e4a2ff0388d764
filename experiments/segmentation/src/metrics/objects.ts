// GlaS object-level metrics (Sirinukunwattana et al., "Gland Segmentation in Colon
// Histology Images: The GlaS Challenge Contest", MedIA 2017, section 3.2), on one
// image, with G the ground-truth objects and S the segmented objects (8-connected
// components of the binary masks: this copy of GlaS has binary masks, so touching
// glands of the official instance labels merge; see the README):
//
//   Dice_obj = 1/2 [ sum_i gamma_i Dice(G_i, S*(G_i)) + sum_j sigma_j Dice(G*(S_j), S_j) ]
//   H_obj    = 1/2 [ sum_i gamma_i H(G_i, S*(G_i))    + sum_j sigma_j H(G*(S_j), S_j) ]
//
// gamma_i = |G_i| / sum_k |G_k|, sigma_j = |S_j| / sum_k |S_k|; S*(G_i) is the segmented
// object that overlaps G_i most (G*(S_j) likewise). With no overlapping object, Dice
// is 0 and, for H, the nearest object in Hausdorff distance is taken (the challenge's
// definition). Choices where the definition is silent: ties in overlap go to the
// lower label; when only one side has objects, Dice_obj = 0 and H_obj = the image
// diagonal; when neither has, Dice_obj = 1 and H_obj = 0.
import { label8, type Components } from './components';
import { hausdorffLowerBounds, objectHausdorff } from './hausdorff';

/** overlap.get(g * (nS + 1) + s) = pixels in G_g and S_s. */
function overlaps(g: Components, s: Components): Map<number, number> {
  const m = new Map<number, number>();
  for (let p = 0; p < g.labels.length; p++) {
    const a = g.labels[p], b = s.labels[p];
    if (a && b) {
      const key = a * (s.count + 1) + b;
      m.set(key, (m.get(key) ?? 0) + 1);
    }
  }
  return m;
}

/** For every object of `from`, the object of `to` overlapping it most (0 when none) and that overlap. */
function bestMatches(from: Components, to: Components, ov: Map<number, number>, fromIsG: boolean): { match: number; overlap: number }[] {
  const best = Array.from({ length: from.count }, () => ({ match: 0, overlap: 0 }));
  const stride = fromIsG ? to.count + 1 : from.count + 1;
  for (const [key, n] of ov) {
    const gi = Math.floor(key / stride), sj = key % stride;
    const [f, t] = fromIsG ? [gi, sj] : [sj, gi];
    const b = best[f - 1];
    if (n > b.overlap || (n === b.overlap && t < b.match)) {
      b.match = t;
      b.overlap = n;
    }
  }
  return best;
}

/** The smallest Hausdorff distance from object i of `from` to an object of `to` (exact; lower bounds prune). */
function nearestHausdorff(from: Components, i: number, to: Components, lb: number[]): number {
  const order = lb.map((bound, k) => ({ j: k + 1, bound })).sort((x, y) => x.bound - y.bound);
  let best = Infinity;
  for (const { j, bound } of order) {
    if (bound >= best) break;
    best = Math.min(best, objectHausdorff(from, i, to, j));
  }
  return best;
}

export interface ObjectScores {
  objDice: number;
  objHausdorff: number;
  gObjects: number;
  sObjects: number;
}

export function objectMetrics(pred: Uint8Array, truth: Uint8Array, height: number, width: number): ObjectScores {
  const g = label8(truth, height, width);
  const s = label8(pred, height, width);
  const counts = { gObjects: g.count, sObjects: s.count };
  if (g.count === 0 && s.count === 0) return { objDice: 1, objHausdorff: 0, ...counts };
  if (g.count === 0 || s.count === 0) return { objDice: 0, objHausdorff: Math.hypot(height, width), ...counts };
  const ov = overlaps(g, s);
  const side = (from: Components, to: Components, fromIsG: boolean) => {
    const total = from.area.reduce((a, b) => a + b, 0);
    const matches = bestMatches(from, to, ov, fromIsG);
    const unmatched = matches.flatMap((m, k) => (m.match ? [] : [k + 1]));
    const bounds = unmatched.length > 0 ? hausdorffLowerBounds(from, unmatched, to) : new Map<number, number[]>();
    let dice = 0;
    let haus = 0;
    matches.forEach(({ match, overlap }, k) => {
      const weight = from.area[k] / total;
      if (match) {
        dice += (weight * 2 * overlap) / (from.area[k] + to.area[match - 1]);
        haus += weight * objectHausdorff(from, k + 1, to, match);
      } else {
        haus += weight * nearestHausdorff(from, k + 1, to, bounds.get(k + 1)!);
      }
    });
    return { dice, haus };
  };
  const a = side(g, s, true);
  const b = side(s, g, false);
  return { objDice: (a.dice + b.dice) / 2, objHausdorff: (a.haus + b.haus) / 2, ...counts };
}
