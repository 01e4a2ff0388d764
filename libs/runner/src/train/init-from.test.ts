import { tf } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { initFromModel } from './init-from';

function model(inC: number, seed: number, extra = false): LayersModel {
  const x = tf.input({ shape: [inC] });
  let y = tf.layers.dense({ name: 'enc.fc', units: 4, kernelInitializer: tf.initializers.randomNormal({ seed }) }).apply(x) as SymbolicTensor;
  y = tf.layers.dense({ name: 'body.fc', units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: seed + 1 }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 2 }) }).apply(y) as SymbolicTensor;
  if (extra) y = tf.layers.dense({ name: 'extra', units: 2 }).apply(y) as SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

const values = (m: LayersModel, name: string) => Array.from(m.weights.find((w) => w.originalName === name)!.read().dataSync());

describe('initFromModel (config.student.init)', () => {
  it('copies the weights of the same name, except the excluded layers', () => {
    const teacher = model(5, 1);
    const student = model(2, 10);
    expect(initFromModel(student, teacher, ['enc.'])).toBe(2);
    expect(values(student, 'body.fc/kernel')).toEqual(values(teacher, 'body.fc/kernel'));
    expect(values(student, 'body.fc/bias')).toEqual(values(teacher, 'body.fc/bias'));
    expect(values(student, 'enc.fc/kernel')).toEqual(values(model(2, 10), 'enc.fc/kernel'));
  });

  it('errors name the weight: another shape, a weight the teacher lacks, nothing copied', () => {
    expect(() => initFromModel(model(2, 10), model(5, 1), [])).toThrow(/enc\.fc\/kernel has shape \[2,4\] in the student and \[5,4\]/);
    expect(() => initFromModel(model(5, 10, true), model(5, 1), [])).toThrow(/the teacher has no weight extra\/kernel/);
    expect(() => initFromModel(model(5, 10), model(5, 1), ['enc.', 'body.'])).toThrow(/no weight copied/);
  });
});
