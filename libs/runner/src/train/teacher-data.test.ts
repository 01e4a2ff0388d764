import { runConfigSchema } from '../config/schema';
import { teacherData, teacherHash, teacherTrainingConfig } from './teacher';

// teacher.train.data (added for CT's privileged NDCT -> NDCT teacher): merged over config.data for
// the teacher's own run and its cache key; absent, nothing changes.
const base = {
  experiment: 'x', name: 'n', task: 'toy', seed: 1, data: { input: 'ldct', patch: 8 },
  student: { model: { arch: 'a' } }, kd: { terms: [{ name: 'task', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'target' }] },
  optim: { optimizer: { kind: 'adam', lr: 0.001 } }, train: { steps: 1 },
};
const teacherTrain = { loss: { kind: 'l1' }, optim: { optimizer: { kind: 'adam', lr: 0.001 } }, train: { steps: 2 } };

describe('teacher.train.data', () => {
  it('is merged over config.data for the teacher run and changes the teacher hash', () => {
    const plain = runConfigSchema.parse({ ...base, teacher: { model: { arch: 't' }, train: teacherTrain } });
    const privileged = runConfigSchema.parse({ ...base, teacher: { model: { arch: 't' }, train: { ...teacherTrain, data: { input: 'ndct' } } } });
    expect(teacherData(plain)).toEqual({ input: 'ldct', patch: 8 });
    expect(teacherData(privileged)).toEqual({ input: 'ndct', patch: 8 });
    expect(teacherTrainingConfig(privileged as typeof privileged & { name: string }, teacherHash(privileged)).data).toEqual({ input: 'ndct', patch: 8 });
    expect(teacherHash(privileged)).not.toBe(teacherHash(plain));
  });

  it('leaves the hash of a config without it as it was (task, data, model, train)', () => {
    const plain = runConfigSchema.parse({ ...base, teacher: { model: { arch: 't' }, train: teacherTrain } });
    const { configHash } = require('../config/hash');
    expect(teacherHash(plain)).toBe(configHash({ task: plain.task, data: plain.data, model: plain.teacher!.model, train: plain.teacher!.train }));
  });
});
