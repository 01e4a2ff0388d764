// The study's arithmetic on hand-made observations: change signed so + is better (a lower-is-better
// metric flipped), change over the student's seed std, n, skipped cells kept with their reasons,
// the per-loss summary and the rank agreement between domains.
import type { ReportRun } from '../run';
import { buildMatrix, cellOf } from './matrix';
import type { CrossTaskInput, CrossTaskObservation } from './model';

let runCount = 0;
function run(): ReportRun {
  runCount++;
  return { runId: `r${runCount}`, experimentId: '1', experimentName: 'x', runName: `run${runCount}`, status: 'FINISHED', startTime: runCount, params: {}, tags: {}, metrics: {} };
}
const obs = (domain: string, loss: string | null, seed: number, value: number): CrossTaskObservation => ({ domain, loss, seed, value, form: 'f', run: run() });

function input(): CrossTaskInput {
  return {
    title: 't',
    weightRule: 'w',
    noiseThreshold: 1,
    profile: 'micro',
    domains: [
      { id: 'a', label: 'A', metric: { key: 'eval/a/psnr', label: 'PSNR', direction: 'higher' } },
      { id: 'b', label: 'B', metric: { key: 'eval/b/rmse', label: 'RMSE', direction: 'lower' } },
    ],
    losses: [
      { id: 'l1', label: 'L1', sourceLevel: 'paper', reference: 'r' },
      { id: 'l2', label: 'L2', sourceLevel: 'abstract-only', reference: 'r' },
      { id: 'l3', label: 'L3', sourceLevel: 'official-code', reference: 'r' },
    ],
    observations: [
      // A: student 10, 12 (mean 11, std sqrt(2)); B: student 5, 7 (mean 6, std sqrt(2)).
      obs('a', null, 0, 10), obs('a', null, 1, 12), obs('b', null, 0, 5), obs('b', null, 1, 7),
      obs('a', 'l1', 0, 14), obs('a', 'l1', 1, 14), // +3 -> 3 / sqrt 2 = 2.12 std: helps
      obs('b', 'l1', 0, 3), obs('b', 'l1', 1, 3), // RMSE 3 vs 6: lower is better -> change +3: helps
      obs('a', 'l2', 0, 10), obs('a', 'l2', 1, 11), // -0.5: within noise
      obs('b', 'l2', 0, 9), // RMSE 9 vs 6 -> change -3, n = 1: hurts
      obs('a', 'l3', 0, 11.5),
    ],
    skips: [{ domain: 'b', loss: 'l3', reason: 'needs an NHWC map' }],
    pending: [{ domain: 'b', loss: 'l2', seed: 1 }],
    command: 'c',
  };
}

describe('cross-task matrix', () => {
  const m = buildMatrix(input());

  it('signs the change so that + is better and divides by the student seed std', () => {
    const a1 = cellOf(m, 'l1', 'a');
    expect(a1.state).toBe('measured');
    expect(a1.change).toBeCloseTo(3, 12);
    expect(a1.changeOverStd).toBeCloseTo(3 / Math.SQRT2, 12);
    expect(a1.withLoss!.n).toBe(2);
    const b1 = cellOf(m, 'l1', 'b');
    expect(b1.rawDelta).toBeCloseTo(-3, 12);
    expect(b1.change).toBeCloseTo(3, 12);
    const b2 = cellOf(m, 'l2', 'b');
    expect(b2.change).toBeCloseTo(-3, 12);
    expect(b2.withLoss!.n).toBe(1);
    expect(b2.pendingSeeds).toEqual([1]);
  });

  it('keeps a skipped cell with its reason, never as a number', () => {
    const s = cellOf(m, 'l3', 'b');
    expect(s.state).toBe('skipped');
    expect(s.reason).toBe('needs an NHWC map');
    expect(s.change).toBeUndefined();
  });

  it('summarises help / harm / noise per loss at the threshold', () => {
    const byLoss = Object.fromEntries(m.summaries.map((s) => [s.loss, s]));
    expect(byLoss.l1.helps).toEqual(['a', 'b']);
    expect(byLoss.l2.neutral).toEqual(['a']);
    expect(byLoss.l2.hurts).toEqual(['b']);
    expect(byLoss.l3.skipped).toEqual(['b']);
  });

  it("ranks the losses measured in both domains for Kendall's tau", () => {
    const ab = m.tau.find((t) => t.a === 'a' && t.b === 'b')!;
    // Common losses l1, l2: A ranks l1 > l2 (3 > -0.5), B too (3 > -3): concordant -> 1.
    expect(ab.common).toBe(2);
    expect(ab.tau).toBeCloseTo(1, 12);
    const aa = m.tau.find((t) => t.a === 'a' && t.b === 'a')!;
    expect(aa.common).toBe(3);
    expect(aa.tau).toBeCloseTo(1, 12);
  });
});
