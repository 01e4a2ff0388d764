// What a domain (super-resolution, classification, ...) gives the runner.
// The runner owns models, objective, optimiser, checkpoints and tracking; a
// task owns its data, its batches and how an output becomes metrics.
import type { ZodType, ZodTypeDef } from 'zod';
import type { LayersModel, Rng, Tensor } from '@kdlab/engine';
import type { ModelSpec } from './config/schema';

/** One training batch; the runner disposes both tensors after the step. */
export interface Batch {
  input: Tensor;
  target: Tensor;
  /**
   * What the teacher sees instead of `input`, when it differs (a privileged teacher, e.g. CT's
   * TSC-Net teacher fed the normal-dose image while the student gets the low-dose one).
   */
  teacherInput?: Tensor;
  /**
   * Further per-batch tensors losses read by name through LossContext.batch (e.g. blind SR's
   * `degradation`: the parameters its sampler drew, a regression target); disposed with the batch.
   */
  extra?: Record<string, Tensor>;
}

/** A seeded, resumable stream of batches: its state goes into every checkpoint. */
export interface BatchStream {
  next(): Batch;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Maps a model input batch to the model output (the runner's model in inference mode). */
export type Predict = (input: Tensor) => Tensor;

/**
 * What to evaluate: a model, or one of the task's baselines by name (e.g. 'bicubic').
 * `model` (additive, for retrieval) is the model behind `predict`, for tasks whose evaluation
 * calls parts of it separately (a dual encoder embeds images and texts apart; a cross-encoder
 * re-ranks a first stage's candidates).
 */
export type Predictor = { kind: 'model'; predict: Predict; model?: LayersModel } | { kind: 'baseline'; name: string };

export interface EvalResult {
  /** Metric keys as the reports convention names them (libs/reports/README.md), e.g. `eval/Set5/x4/psnr`. */
  metrics: Record<string, number>;
  /** Files logged under the run's `eval/` artifacts, by file name (objects are written as JSON), e.g. per-image results. */
  files: Record<string, string | object>;
}

export interface DatasetProvenance {
  name: string;
  files: number;
  sha256: string;
}

export interface TaskInstance {
  /** Checksums of every dataset the run reads, for provenance. */
  datasets(): DatasetProvenance[];
  /** Training batches drawn with `rng` (the runner restores its state on resume). */
  trainStream(rng: Rng): BatchStream;
  evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult>;
  /** Baselines `evaluate` accepts by name. */
  readonly baselines: readonly string[];
  /** Input height/width at which FLOPs are reported (e.g. the LR size of a 720p output). */
  readonly flopsInputHw: [number, number];
  /** Tags that describe the data and the metric convention (e.g. {'kdlab.metric_convention': ...}). */
  readonly tags: Record<string, string>;
  dispose(): void;
}

export interface Task<Data = unknown, Eval = unknown> {
  readonly name: string;
  readonly dataSchema: ZodType<Data, ZodTypeDef, unknown>;
  readonly evalSchema: ZodType<Eval, ZodTypeDef, unknown>;
  /** Fills in what a model needs from the data (e.g. the SR scale); default: unchanged. */
  modelSpec?(spec: ModelSpec, data: Data): ModelSpec;
  create(data: Data, evalConfig: Eval): Promise<TaskInstance>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTask = Task<any, any>;
