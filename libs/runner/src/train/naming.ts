// Metric, param and tag keys the runner logs, following the convention the
// reports library reads (libs/reports/README.md). Every key lives in this file.
export const TAG = {
  method: 'kdlab.method',
  baseline: 'kdlab.baseline',
  reference: 'kdlab.reference',
  configHash: 'kdlab.config_hash',
  selection: 'kdlab.selection',
  gitCommit: 'kdlab.git_commit',
  gitDirty: 'kdlab.git_dirty',
  backend: 'kdlab.backend',
  device: 'kdlab.device',
  threads: 'kdlab.threads',
  /** JSON object: TF_NUM_INTRAOP_THREADS, TF_NUM_INTEROP_THREADS, OMP_NUM_THREADS, TF_ENABLE_ONEDNN_OPTS (value or 'default'). */
  threadEnv: 'kdlab.thread_env',
  /** JSON {changes, switches}: tfjs kernels/gradients routed to other TensorFlow ops, and the speed switches (engineInfo()). */
  engineKernels: 'kdlab.engine_kernels',
  /** JSON object {package: version}. */
  versions: 'kdlab.versions',
  /** JSON object {dataset: {sha256, files}}. */
  dataChecksums: 'kdlab.data_checksums',
  metricConvention: 'kdlab.metric_convention',
  task: 'kdlab.task',
  role: 'kdlab.role',
  teacherHash: 'kdlab.teacher_hash',
  resumedFrom: 'kdlab.resumed_from_step',
  /** The method config's `source`: official-code | paper | abstract-only, its reference, and deviations (JSON list). */
  sourceLevel: 'kdlab.source_level',
  sourceReference: 'kdlab.source_reference',
  sourceDeviations: 'kdlab.source_deviations',
} as const;

export const METRIC = {
  loss: 'train/loss',
  term: (name: string) => `train/${name}`,
  lr: 'opt/lr',
  stepsPerSec: 'perf/steps_per_sec',
  /** Milliseconds per step spent making the batch (the stream's next(): reading, cropping, degrading, tensor upload), window mean. */
  dataMs: 'perf/data_ms',
  params: 'model/params',
  flops: 'model/flops',
  teacherParams: 'model/teacher_params',
  teacherFlops: 'model/teacher_flops',
  /** The weight kd.calibrate gave a term (logged at step 0). */
  calibratedWeight: (name: string) => `kd/weight/${name}`,
  /** The weighted task loss on the first batch that kd.calibrate measured against. */
  calibrationTaskLoss: 'kd/calibration_task_loss',
} as const;
