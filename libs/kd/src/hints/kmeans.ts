// Seeded k-means (Lloyd's algorithm with k-means++ seeding, Arthur &
// Vassilvitskii 2007), for the handful of points hint selection clusters
// (one per layer). Several restarts; the run with the lowest within-cluster
// sum of squares wins. Every random choice comes from the given Rng.
import type { Rng } from '@kdlab/engine';

export interface KMeansResult {
  centres: number[][];
  /** Cluster index of each point. */
  assignment: number[];
  /** Within-cluster sum of squared distances. */
  inertia: number;
}

const dist2 = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);

function seedCentres(points: number[][], k: number, rng: Rng): number[][] {
  const centres = [points[rng.int(points.length)]];
  while (centres.length < k) {
    const d = points.map((p) => Math.min(...centres.map((c) => dist2(p, c))));
    const total = d.reduce((a, b) => a + b, 0);
    if (total === 0) {
      centres.push(points[rng.int(points.length)]);
      continue;
    }
    let r = rng.next() * total;
    let i = 0;
    while (i < d.length - 1 && r >= d[i]) r -= d[i++];
    centres.push(points[i]);
  }
  return centres.map((c) => [...c]);
}

function lloyd(points: number[][], centres: number[][], maxIter: number): KMeansResult {
  let assignment = points.map(() => -1);
  for (let iter = 0; iter < maxIter; iter++) {
    const next = points.map((p) => centres.reduce((best, c, j) => (dist2(p, c) < dist2(p, centres[best]) ? j : best), 0));
    const moved = next.some((a, i) => a !== assignment[i]);
    assignment = next;
    centres = centres.map((c, j) => {
      const members = points.filter((_, i) => assignment[i] === j);
      return members.length ? c.map((_, d) => members.reduce((s, m) => s + m[d], 0) / members.length) : c;
    });
    if (!moved) break;
  }
  const inertia = points.reduce((s, p, i) => s + dist2(p, centres[assignment[i]]), 0);
  return { centres, assignment, inertia };
}

export function kMeans(points: number[][], k: number, rng: Rng, opts: { restarts?: number; maxIter?: number } = {}): KMeansResult {
  if (!Number.isInteger(k) || k < 1 || k > points.length) throw new Error(`kMeans: k = ${k} must be between 1 and the ${points.length} points`);
  let best: KMeansResult | null = null;
  for (let r = 0; r < (opts.restarts ?? 10); r++) {
    const res = lloyd(points, seedCentres(points, k, rng), opts.maxIter ?? 100);
    if (!best || res.inertia < best.inertia - 1e-12) best = res;
  }
  return best!;
}
