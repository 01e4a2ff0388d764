// Curves are aggregated before they reach a report: logged steps are put in
// `buckets` equal-width step bins over [lo, hi] and each bin keeps the mean
// step and mean value of its points. A run logged every step for 300k steps
// still costs at most `buckets` points.
import type { MetricPoint } from '../run';

export interface BinnedPoint {
  bin: number;
  step: number;
  value: number;
}

export function binPoints(points: readonly MetricPoint[], lo: number, hi: number, buckets: number): BinnedPoint[] {
  const width = (hi - lo) / buckets;
  const sums = new Map<number, { step: number; value: number; n: number }>();
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const bin = width > 0 ? Math.min(buckets - 1, Math.floor((p.step - lo) / width)) : 0;
    const s = sums.get(bin) ?? { step: 0, value: 0, n: 0 };
    s.step += p.step;
    s.value += p.value;
    s.n += 1;
    sums.set(bin, s);
  }
  return [...sums.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([bin, s]) => ({ bin, step: s.step / s.n, value: s.value / s.n }));
}

export function stepRange(series: ReadonlyArray<readonly MetricPoint[]>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const pts of series) for (const p of pts) {
    if (p.step < lo) lo = p.step;
    if (p.step > hi) hi = p.step;
  }
  return [lo, hi];
}
