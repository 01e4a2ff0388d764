// Properties of the classification losses beyond the golden values: invariances
// the papers rely on, errors that name the problem, and learned weights that
// the objective builds, trains and checkpoints.
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import { createLoss } from '../loss';
import { DistillationObjective } from '../objective';

const randn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const value = (t: Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('kd, at, sp', () => {
  it('kd is zero when the student equals the teacher and positive otherwise', () => {
    const t = randn([4, 10], 1);
    expect(value(createLoss({ kind: 'kd' }).compute(t, t))).toBeCloseTo(0, 6);
    expect(value(createLoss({ kind: 'kd' }).compute(randn([4, 10], 2), t))).toBeGreaterThan(0);
  });

  it('at and sp ignore the scale of the features and accept different widths', () => {
    const s = randn([3, 4, 4, 6], 3), t = randn([3, 4, 4, 9], 4);
    for (const kind of ['at', 'sp']) {
      const loss = createLoss({ kind });
      expect(loss.needsSameChannels).toBe(false);
      expect(value(loss.compute(s.mul(7), t))).toBeCloseTo(value(loss.compute(s, t)), 5);
    }
  });

  it('name the shape problem', () => {
    expect(() => createLoss({ kind: 'at' }).compute(randn([2, 4, 4, 3], 1), randn([2, 2, 2, 3], 2))).toThrow(/same batch and spatial size/);
    expect(() => createLoss({ kind: 'sp' }).compute(randn([2, 5], 1), randn([3, 5], 2))).toThrow(/same batch size/);
    expect(() => createLoss({ kind: 'ce' }).compute(randn([2, 7], 1), randn([2, 3], 2))).toThrow(/7 logits are not a multiple of the 3 classes/);
  });
});

describe('mimkd (learned critic)', () => {
  it('needs build(); training only its critic raises the MI bound for related features', () => {
    const loss = createLoss({ kind: 'mimkd', embed: 16, hidden: 16 });
    const t = randn([16, 8], 5);
    const s = t.matMul(randn([8, 12], 6)).add(randn([16, 12], 7).mul(0.1)); // the student is a noisy view of the teacher
    expect(() => loss.compute(s, t)).toThrow(/build\(\) was not called/);
    loss.build({ student: 12, teacher: 8 }, 0);
    expect(loss.trainableWeights.length).toBe(8);
    const opt = tf.train.adam(0.01);
    const first = value(loss.compute(s, t));
    for (let i = 0; i < 150; i++) tf.dispose(opt.minimize(() => loss.compute(s, t), true, loss.trainableWeights)!);
    const last = value(loss.compute(s, t));
    expect(last).toBeLessThan(first - 0.5);
    expect(last).toBeGreaterThanOrEqual(-2 * Math.log(2) - 1e-4); // -I_JSD is bounded below by -2 log 2
    opt.dispose();
    loss.dispose();
    tf.dispose([s, t]);
  });

  it('local level reads a feature map and rejects a vector', () => {
    const loss = createLoss({ kind: 'mimkd', level: 'local', embed: 4, hidden: 4 });
    loss.build({ student: 3, teacher: 5 }, 1);
    expect(Number.isFinite(value(loss.compute(randn([2, 3, 3, 3], 1), randn([2, 5], 2))))).toBe(true);
    expect(() => loss.compute(randn([2, 3], 1), randn([2, 5], 2))).toThrow(/rank 4/);
    loss.dispose();
  });
});

describe('mcl (learned projection heads)', () => {
  it('soft terms vanish when the peers are identical', () => {
    const loss = createLoss({ kind: 'mcl', peers: 2, embed: 8, weights: { vcl: 0, icl: 0, softVcl: 1, softIcl: 1 } });
    loss.build({ student: 2 * 6 }, 0);
    const [w1, b1, w2, b2] = loss.trainableWeights;
    loss.trainableWeights.slice(4).forEach((v, i) => v.assign([w1, b1, w2, b2][i]));
    const f = randn([6, 6], 9);
    const target = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 2, 2], 'int32'), 3).toFloat();
    expect(value(loss.compute(tf.concat([f, f], 1), target))).toBeCloseTo(0, 4);
    loss.dispose();
  });

  it('names a width that does not split into the peers', () => {
    expect(() => createLoss({ kind: 'mcl', peers: 3 }).build({ student: 10 }, 0)).toThrow(/10 channels, not 3 equal peer feature blocks/);
  });
});

describe('the objective trains and checkpoints a loss\'s learned weights', () => {
  it('lists them after the adapters, names them, and round-trips them', () => {
    const objective = new DistillationObjective(
      [
        { name: 'task', loss: { kind: 'ce' }, weight: 1, student: 'output', teacher: 'target' },
        { name: 'fit', loss: { kind: 'fitnet' }, weight: 1, student: 'stage3', teacher: 'stage3' },
        { name: 'mi', loss: { kind: 'mimkd', embed: 4, hidden: 4 }, weight: 0.5, student: 'pool', teacher: 'pool' },
      ],
      { student: { output: 10, stage3: 16, pool: 16 }, teacher: { output: 10, stage3: 32, pool: 32 } },
      7,
    );
    expect(objective.weightNames).toEqual(['adapter/fit/0', 'adapter/fit/1', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `loss/mi/${i}`)]);
    expect(objective.trainableWeights.length).toBe(10);
    const saved = objective.getWeights();
    const changed = saved.map((w) => w.add(1));
    objective.setWeights(changed);
    expect(Array.from(objective.trainableWeights[5].dataSync())).toEqual(Array.from(changed[5].dataSync()));
    const s = { output: randn([4, 10], 1), features: { stage3: randn([4, 2, 2, 16], 2), pool: randn([4, 16], 3) } };
    const t = { output: randn([4, 10], 4), features: { stage3: randn([4, 2, 2, 32], 5), pool: randn([4, 32], 6) } };
    const target = tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 10).toFloat();
    const { grads } = tf.variableGrads(() => objective.compute(s, t, target).total, objective.trainableWeights);
    expect(objective.trainableWeights.every((v) => grads[v.name].abs().sum().dataSync()[0] > 0)).toBe(true);
    tf.dispose([...saved, ...changed, ...Object.values(grads), target, s.output, t.output, ...Object.values(s.features), ...Object.values(t.features)] as Tensor[]);
    objective.dispose();
  });
});
