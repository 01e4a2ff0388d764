// Metric, param and tag keys the runner logs. The reports library reads these
// (see libs/reports/README.md); keep every key in this one file.
export const TAG = {
  configHash: 'kdlab.config_hash',
  task: 'kdlab.task',
  method: 'kdlab.method',
  seed: 'kdlab.seed',
  role: 'kdlab.role',
  selection: 'kdlab.selection',
  gitCommit: 'kdlab.git_commit',
  gitDirty: 'kdlab.git_dirty',
  backend: 'kdlab.backend',
  device: 'kdlab.device',
  threads: 'kdlab.threads',
  teacherHash: 'kdlab.teacher_hash',
  resumedFrom: 'kdlab.resumed_from_step',
  versionPrefix: 'kdlab.version.',
  dataPrefix: 'kdlab.data.',
} as const;

export const METRIC = {
  loss: 'train.loss',
  term: (name: string) => `train.loss.${name}`,
  lr: 'train.lr',
  stepsPerSec: 'train.steps_per_sec',
} as const;

export const PARAM = {
  studentParams: 'model.student.params',
  studentFlops: 'model.student.flops',
  teacherParams: 'model.teacher.params',
  teacherFlops: 'model.teacher.flops',
} as const;
