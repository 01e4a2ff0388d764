// The objective exposes the auxiliary networks of its losses (and never trains them
// with the student's weights) and records the extra layers a loss reads.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { DistillationObjective } from './objective';
import type { Taps } from './taps';

const terms = [
  { name: 'task', loss: { kind: 'pixel-ce' }, weight: 1, student: 'output', teacher: 'target' },
  { name: 'adv', loss: { kind: 'wgan-gp', channels: [4] }, weight: 0.1, student: 'output', teacher: 'output' },
  { name: 'ft', loss: { kind: 'factor-transfer', pretrainSteps: 2 }, weight: 1, student: 'enc2', teacher: 'enc2' },
  { name: 'coco', loss: { kind: 'coco-correlation', partner: 'enc3' }, weight: 1, student: 'enc2', teacher: 'enc2' },
];

describe('auxiliary networks and extra taps', () => {
  it('tapNames includes the partner layer of a cross-layer term', () => {
    expect(DistillationObjective.tapNames(terms)).toEqual({ student: ['enc2', 'enc3'], teacher: ['enc2', 'enc3'] });
  });

  it('auxiliaries(): the critic and the paraphraser, kept out of the student-side weights, with their tensors picked from the taps', () => {
    const obj = new DistillationObjective(terms, { student: { output: 2, enc2: 3, enc3: 5 }, teacher: { output: 2, enc2: 6, enc3: 7, target: 2 } }, 1);
    const aux = obj.auxiliaries();
    expect(aux.map((a) => a.term)).toEqual(['adv', 'ft']);
    const studentSide = new Set(obj.trainableWeights.map((v) => v.name));
    for (const a of aux) for (const w of a.network.weights) expect(studentSide.has(w.name)).toBe(false);
    // Paraphraser trains only during its pre-training steps; the critic every step.
    expect([0, 1, 2].map((s) => aux[1].network.beginStep(s))).toEqual([true, true, false]);
    expect(aux[0].network.beginStep(5)).toBe(true);
    const taps = (c: number, c3: number): Taps => ({ output: tf.randomNormal([2, 8, 8, 2]), features: { enc2: tf.randomNormal([2, 8, 8, c]), enc3: tf.randomNormal([2, 4, 4, c3]) } });
    const s = taps(3, 5), t = taps(6, 7);
    const target = tf.oneHot(tf.zeros([2, 8, 8], 'int32'), 2);
    const [ps, pt] = aux[1].pick(s, t, target);
    expect([ps.shape, pt.shape]).toEqual([[2, 8, 8, 3], [2, 8, 8, 6]]);
    // One critic step with its own optimiser changes only the critic.
    const before = aux[0].network.weights.map((w) => w.clone());
    const studentBefore = obj.trainableWeights.map((w) => w.clone());
    const opt = tf.train.adam(0.01);
    opt.minimize(() => aux[0].network.loss(...aux[0].pick(s, t, target)), false, aux[0].network.weights);
    expect(aux[0].network.weights.some((w, i) => w.sub(before[i]).abs().max().dataSync()[0] > 0)).toBe(true);
    obj.trainableWeights.forEach((w, i) => expect(w.sub(studentBefore[i]).abs().max().dataSync()[0]).toBe(0));
    const { total } = obj.compute(s, t, target);
    expect(Number.isFinite(total.dataSync()[0])).toBe(true);
    tf.dispose([...before, ...studentBefore, total as Tensor]);
    obj.dispose();
  });
});
