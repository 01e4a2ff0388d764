// Aggregation over seeds: mean ± sample standard deviation (n − 1), with n.

export interface Stat {
  mean: number;
  /** Sample standard deviation (Bessel-corrected); null when n < 2. */
  std: number | null;
  n: number;
}

export function summarize(values: readonly number[]): Stat {
  const n = values.length;
  if (n === 0) throw new Error('summarize: no values');
  const mean = values.reduce((a, v) => a + v, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const ss = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}
