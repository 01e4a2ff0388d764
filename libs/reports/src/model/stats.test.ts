import { summarize } from './stats';

describe('summarize (aggregation over seeds)', () => {
  it('gives the mean and the Bessel-corrected std, checked against the sum-of-squares identity', () => {
    const xs = [32.11, 32.19, 32.05, 32.3];
    const s = summarize(xs);
    const n = xs.length;
    const mean = xs.reduce((a, b) => a + b) / n;
    // Var = (Σx² − n·mean²) / (n − 1): a different route to the same number.
    const variance = (xs.reduce((a, x) => a + x * x, 0) - n * mean * mean) / (n - 1);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(mean, 12);
    expect(s.std!).toBeCloseTo(Math.sqrt(variance), 9);
  });

  it('has no std for a single seed and equal values give std 0', () => {
    expect(summarize([30.5])).toEqual({ mean: 30.5, std: null, n: 1 });
    expect(summarize([2, 2, 2]).std).toBe(0);
  });

  it('refuses an empty list', () => {
    expect(() => summarize([])).toThrow(/no values/);
  });
});
