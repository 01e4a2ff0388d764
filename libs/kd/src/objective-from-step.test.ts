// A term's fromStep (MRDA's encoder warm-up): off before that training step, on from it, and
// always on when compute() is given no step (calibration, evaluation).
import { tf } from '@kdlab/engine';
import { DistillationObjective } from './objective';

describe('DistillationObjective term fromStep', () => {
  const terms = [
    { name: 'task', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'target', fromStep: 3 },
    { name: 'kd', loss: { kind: 'l2' }, weight: 2, student: 'output', teacher: 'output' },
  ];
  const objective = new DistillationObjective(terms, { student: {}, teacher: {} }, 0);
  const s = { output: tf.tensor2d([[1, 2]]), features: {} };
  const t = { output: tf.tensor2d([[1, 4]]), features: {} };
  const target = tf.tensor2d([[0, 0]]);

  it('leaves the term out of the total and the logged terms before fromStep, adds it from there', () => {
    const before = objective.compute(s, t, target, { step: 2 });
    expect(Object.keys(before.terms)).toEqual(['kd']);
    const kd = before.terms.kd.dataSync()[0];
    expect(before.total.dataSync()[0]).toBeCloseTo(2 * kd, 5);
    const from = objective.compute(s, t, target, { step: 3 });
    expect(Object.keys(from.terms)).toEqual(['task', 'kd']);
    expect(from.total.dataSync()[0]).toBeCloseTo(from.terms.task.dataSync()[0] + 2 * kd, 5);
    expect(from.terms.task.dataSync()[0]).toBeCloseTo(1.5, 5);
    expect(Object.keys(objective.compute(s, t, target).terms)).toEqual(['task', 'kd']);
  });

  it('names the terms when none is on', () => {
    const only = new DistillationObjective([terms[0]], { student: {}, teacher: {} }, 0);
    expect(() => only.compute(s, t, target, { step: 0 })).toThrow(/no term is on at step 0 \(fromStep: task 3\)/);
  });
});
