import { buildBackbone } from '@kdlab/backbones';
import { expectNoLeaks, tf } from '@kdlab/engine';
import type { Scalar, Tensor4D, Variable } from '@kdlab/engine';
import { DistillationObjective, type TermSpec } from './objective';
import { tapChannels, tapModel, type Taps } from './taps';

const TASK: TermSpec = { name: 'task', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'target' };
const channels = { student: { output: 3, body: 4 }, teacher: { output: 3, body: 6 } };

function taps(seed: number, width: number): Taps {
  return { output: tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', seed), features: { body: tf.randomNormal([2, 4, 4, width], 0, 1, 'float32', seed + 1) } };
}

describe('DistillationObjective', () => {
  const s = taps(1, 4);
  const t = taps(3, 6);
  const y = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 5);

  it('the task term alone is L1 to the target and needs no teacher', () => {
    const obj = new DistillationObjective([TASK], channels, 0);
    expect(obj.needsTeacher).toBe(false);
    const { total, terms } = obj.compute(s, null, y);
    const want = s.output.sub(y).abs().mean().dataSync()[0];
    expect(total.dataSync()[0]).toBeCloseTo(want, 6);
    expect(terms.task.dataSync()[0]).toBeCloseTo(want, 6);
    expect(obj.trainableWeights).toHaveLength(0);
  });

  it('returns the weighted sum and every term unweighted; adapters only where widths differ for element-wise losses', () => {
    const obj = new DistillationObjective(
      [
        TASK,
        { name: 'kd', loss: { kind: 'l1' }, weight: 0.5, student: 'output', teacher: 'output' },
        { name: 'fd', loss: { kind: 'fitnet', distance: 'l1' }, weight: 2, student: 'body', teacher: 'body' },
        { name: 'fakd', loss: { kind: 'fakd' }, weight: 3, student: 'body', teacher: 'body' },
      ],
      channels,
      0,
    );
    expect(obj.studentTaps).toEqual(['body']);
    expect(obj.teacherTaps).toEqual(['body']);
    expect(obj.trainableWeights.map((w) => w.shape)).toEqual([[4, 6], [6]]); // fd only: fakd needs none
    expect(obj.weightNames).toEqual(['adapter/fd/0', 'adapter/fd/1']);
    const { total, terms } = obj.compute(s, t, y);
    expect(Object.keys(terms)).toEqual(['task', 'kd', 'fd', 'fakd']);
    const v = (k: string) => terms[k].dataSync()[0];
    expect(v('kd')).toBeCloseTo(s.output.sub(t.output).abs().mean().dataSync()[0], 6);
    const [w, b] = obj.trainableWeights;
    const adapted = s.features.body.reshape([-1, 4]).matMul(w).add(b).reshape([2, 4, 4, 6]);
    expect(v('fd')).toBeCloseTo(adapted.sub(t.features.body).abs().mean().dataSync()[0], 5);
    expect(total.dataSync()[0]).toBeCloseTo(v('task') + 0.5 * v('kd') + 2 * v('fd') + 3 * v('fakd'), 5);
    obj.dispose();
  });

  it('creates the adapter kind asked for, even at equal widths', () => {
    const obj = new DistillationObjective([{ name: 'fd', loss: { kind: 'fitnet' }, weight: 1, student: 'output', teacher: 'output', adapter: { kind: 'mlp', hidden: 5 } }], channels, 0);
    expect(obj.trainableWeights.map((w) => w.shape)).toEqual([[3, 5], [5], [5, 3], [3]]);
    obj.dispose();
  });

  it('checkpoints: setWeights(getWeights()) reproduces the values; the seed decides the init', () => {
    const spec: TermSpec[] = [{ name: 'fd', loss: { kind: 'fitnet' }, weight: 1, student: 'body', teacher: 'body' }];
    const [a, b, c] = [1, 2, 1].map((seed) => new DistillationObjective(spec, channels, seed));
    const value = (o: DistillationObjective) => o.compute(s, t, y).total.dataSync()[0];
    expect(value(a)).toBe(value(c));
    expect(value(a)).not.toBe(value(b));
    b.setWeights(a.getWeights());
    expect(value(b)).toBe(value(a));
    expect(() => b.setWeights([])).toThrow(/got 0 tensors, expected 2 \(adapter\/fd\/0, adapter\/fd\/1\)/);
    [a, b, c].forEach((o) => o.dispose());
  });

  it('errors name the term and the field', () => {
    const make = (terms: unknown[], ch = channels) => () => new DistillationObjective(terms as TermSpec[], ch, 0);
    expect(make([{ ...TASK, loss: { kind: 'nope' } }])).toThrow(/term 'task': unknown loss 'nope'/);
    expect(make([{ ...TASK, loss: { kind: 'fitnet', distance: 'cos' } }])).toThrow(/term 'task': loss 'fitnet': option 'distance'/);
    expect(make([{ ...TASK, weight: -1 }])).toThrow(/term 0 \('task'\): option 'weight'.*got -1/);
    expect(make([TASK, TASK])).toThrow(/'task' is used twice/);
    expect(make([{ ...TASK, student: 'body', teacher: 'body', name: 'fd', adapter: { kind: 'conv1x1' } }], { student: {}, teacher: {} } as never)).toThrow(/term 'fd': an adapter needs the channel counts/);
    const obj = new DistillationObjective([{ name: 'fd', loss: { kind: 'l2' }, weight: 1, student: 'head', teacher: 'output' }], channels, 0);
    expect(() => obj.compute(s, t, y)).toThrow(/term 'fd': the student taps have no 'head' \(recorded: output, body\)/);
    const kd = new DistillationObjective([{ name: 'kd', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'output' }], channels, 0);
    expect(() => kd.compute(s, null, y)).toThrow(/term 'kd': reads teacher tap 'output' but no teacher taps were given/);
  });
});

describe('distilling a tiny EDSR into a smaller one', () => {
  it('every term trains the student and the adapters, the total falls, and a step leaks nothing', async () => {
    const teacher = buildBackbone({ arch: 'edsr-tiny-teacher', scale: 2 }, 1);
    const student = buildBackbone({ arch: 'edsr-tiny-student', scale: 2 }, 2);
    teacher.trainable = false;
    const terms: TermSpec[] = [
      TASK,
      { name: 'output_kd', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'output' },
      { name: 'fd', loss: { kind: 'fitnet' }, weight: 1e-4, student: 'body', teacher: 'body' },
      { name: 'fakd', loss: { kind: 'fakd' }, weight: 1, student: 'body.block1', teacher: 'body.block3' },
      { name: 'facd', loss: { kind: 'facd' }, weight: 0.1, student: 'body', teacher: 'body' },
      { name: 'lsfd', loss: { kind: 'lsfd' }, weight: 1e-4, student: 'body', teacher: 'body', adapter: { kind: 'mlp' } },
    ];
    const names = DistillationObjective.tapNames(terms);
    expect(names).toEqual({ student: ['body', 'body.block1'], teacher: ['body', 'body.block3'] });
    const [sTap, tTap] = [tapModel(student, names.student), tapModel(teacher, names.teacher)];
    const objective = new DistillationObjective(terms, { student: tapChannels(student, names.student), teacher: tapChannels(teacher, names.teacher) }, 7);
    // 16 -> 32 channels at 'body': conv1x1 adapters for fd and facd, the asked-for mlp for lsfd; fakd needs none.
    expect(objective.trainableWeights.map((w) => w.shape)).toEqual([[16, 32], [32], [16, 32], [32], [16, 32], [32], [32, 32], [32]]);

    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 11);
    const hr = tf.image.resizeBilinear(x as Tensor4D, [16, 16]);
    const vars = [...student.trainableWeights.map((w) => w.read() as Variable), ...objective.trainableWeights];
    const lossFn = (record?: Record<string, number>) => () => {
      const tt = tTap.forward(x, false);
      const st = sTap.forward(x, true);
      const { total, terms: values } = objective.compute(st, tt, hr);
      if (record) for (const [k, v] of Object.entries(values)) record[k] = v.dataSync()[0];
      return total;
    };

    const recorded: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(lossFn(recorded), vars);
    expect(Object.keys(recorded)).toEqual(terms.map((t) => t.name));
    expect(recorded.facd).toBeGreaterThanOrEqual(0);
    for (const v of Object.values(recorded)) expect(Number.isFinite(v)).toBe(true);
    for (const w of objective.trainableWeights) expect(grads[w.name].abs().max().dataSync()[0]).toBeGreaterThan(0);
    expect(grads[(student.getLayer('head').trainableWeights[0].read() as Variable).name].abs().max().dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);

    const opt = tf.train.adam(2e-3);
    const step = () => {
      const cost = opt.minimize(lossFn() as () => Scalar, true, vars)!;
      const v = cost.dataSync()[0];
      cost.dispose();
      return v;
    };
    const first = step(); // creates Adam's slots
    let last = first;
    await expectNoLeaks(() => {
      for (let i = 0; i < 8; i++) last = step();
    }, { label: 'distillation step' });
    expect(last).toBeLessThan(first);
    tf.dispose([x, hr]);
    opt.dispose();
    objective.dispose();
    teacher.dispose();
    student.dispose();
  });
});
