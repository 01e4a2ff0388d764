// The cross-task weight rule's arithmetic: every calibrated term starts at `fraction` of the weighted
// task loss; bad inputs are refused with a message naming the term.
import { calibratedWeights } from './calibrate';

describe('calibratedWeights (first-batch fraction of the task loss)', () => {
  const base = { raw: { task: 0.2, aux: 0.05, fd: 1400, at: 0.004 }, weights: { task: 1, aux: 2, fd: 1, at: 1 }, taskTerms: ['task', 'aux'], calibrated: ['fd', 'at'], fraction: 0.5 };

  it('sets w_k = fraction * sum(w_task * L_task) / L_k, so w_k * L_k = fraction * task loss', () => {
    const c = calibratedWeights(base);
    expect(c.taskLoss).toBeCloseTo(0.2 + 2 * 0.05, 12);
    expect(c.weights.fd * 1400).toBeCloseTo(0.5 * 0.3, 12);
    expect(c.weights.at * 0.004).toBeCloseTo(0.5 * 0.3, 12);
    expect(Object.keys(c.weights)).toEqual(['fd', 'at']);
  });

  it('refuses a term that is zero or not finite on the first batch, and a task term to calibrate', () => {
    expect(() => calibratedWeights({ ...base, raw: { ...base.raw, fd: 0 } })).toThrow(/term 'fd' is 0/);
    expect(() => calibratedWeights({ ...base, raw: { ...base.raw, at: NaN } })).toThrow(/term 'at' is NaN/);
    expect(() => calibratedWeights({ ...base, calibrated: ['task'] })).toThrow(/'task' is a task term/);
    expect(() => calibratedWeights({ ...base, taskTerms: [] })).toThrow(/no task term/);
    expect(() => calibratedWeights({ ...base, fraction: 0 })).toThrow(/fraction/);
  });
});
