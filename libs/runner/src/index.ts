// @kdlab/runner: the experiment runner every domain uses.
//
// A run is one declarative config (YAML/JSON; `extends:` and several files
// merge left to right) validated at load with errors that name the field. A
// domain implements `Task` (data, batches, evaluation) and registers it; the
// runner owns models, the distillation objective, optimiser and schedule,
// checkpoints (atomic; resume bit-identical), signals and tracking.
// Additive (classification): Reproduction.prepare (a step before the rows that may
// derive rows/configs, e.g. clustered hint points from the trained teacher) and the
// export of resolveTeacher (load or train+cache a run's teacher).
export { progress, type Progress } from './progress';
export { ConfigError, fieldPath, formatZodError } from './config/errors';
export { mergeConfigs, dropNulls, setAtPath, parseKeyPath } from './config/merge';
export { loadRawConfig, loadRunConfig, readConfigFile, applySets, validate, type LoadOptions } from './config/load';
export { resolveConfig, resolveRun, defaultRunName, hashOf, type ResolvedRun } from './config/resolve';
export { canonicalJson, configHash } from './config/hash';
export { flattenConfig } from './config/flatten';
export * from './config/schema';
export { registerTask, getTask, registeredTasks, domainPackages, reproductionNames, loadReproduction, type DomainPackage } from './registry';
export type { Task, AnyTask, TaskInstance, Batch, BatchStream, Predict, Predictor, EvalResult, DatasetProvenance } from './task';
export { learningRate } from './optim/schedule';
export { TrainOptimizer, type OptimizerState } from './optim/optimizer';
export { CheckpointStore } from './checkpoint/store';
export { readWeightsDir, writeWeightsDir, type WeightsDir } from './checkpoint/weights-dir';
export type { StoredTensor } from './checkpoint/stored';
export { loadModelWeights, modelWeights } from './train/models';
export { RunInterrupted } from './train/loop';
export { teacherHash, resolveTeacher, type ResolvedTeacher } from './train/teacher';
export { TAG, METRIC } from './train/naming';
export { gitState, provenanceTags } from './provenance';
export { StopSignals, exitCodeFor } from './signals';
export { readRunResult, readRunState, type RunResult, type RunState } from './run-dir';
export { executeRun, type RunOptions } from './run';
export { runReproduction, buildTable, tableCsv, meanStd, type Reproduction, type ReproductionRow, type TableColumn, type TableRow, type ReproduceOptions, type PrepareContext, type FigureContext, type ReproductionFigure, type ReproductionResult } from './reproduce';
