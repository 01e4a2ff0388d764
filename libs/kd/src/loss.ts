// The base class of every distillation loss and the registry that builds them
// by kind. A loss is one small file in ./losses/ that extends DistillLoss and
// calls registerLoss(kind, zodSchema, factory, source); every file there is loaded on
// first use, so a new loss is one new file.
import * as path from 'path';
import type { z } from 'zod';
import { Registry, parseOptions, requireAll } from '@kdlab/backbones';
import type { Scalar, Tensor, Variable } from '@kdlab/engine';
import type { Taps } from './taps';
import type { MethodSource } from './source';

/** Everything a term can see besides its two tensors (losses that need more than a pair read it). */
export interface LossContext {
  /** Ground truth of the batch (HR image in SR, labels in classification). */
  target?: Tensor;
  student?: Taps;
  teacher?: Taps | null;
  /** The batch's model input (e.g. the LDCT image a contrastive term pushes the output away from). */
  input?: Tensor;
  /**
   * The frozen teacher run on any tensor (inference mode; its taps as recorded for the teacher),
   * for losses that use the teacher as a fixed encoder, e.g. CT's contrastive regularisation
   * (libs/kd/src/losses/contrastive-ratio.ts). Gradients flow through it to its input.
   */
  teacherAt?: (x: Tensor) => Taps;
  /**
   * Two-view losses (reference-based SR, C2-Matching; ./two-view.ts): where each pixel of view 1 (the
   * input) lies in view 2 (the reference), [N, H, W, 2] as (x, y) image pixels.
   */
  correspondence?: Tensor;
  /** Features of view 2 (the reference) by the student and the teacher, for losses between correlations. */
  reference?: { student: Tensor; teacher: Tensor };
  /** Further tensors of the training batch by name (runner Batch.extra), e.g. blind SR's `degradation` target. */
  batch?: Record<string, Tensor>;
}

export abstract class DistillLoss {
  /** The registered kind, used in errors and logs. */
  abstract readonly name: string;
  /**
   * Whether student and teacher tensors must have the same shape. When true
   * and the widths differ, DistillationObjective puts an adapter on the
   * student side; losses on width-free statistics (affinity matrices,
   * attention maps) set this to false.
   */
  readonly needsSameChannels: boolean = true;

  /** A scalar loss (mean-reduced over the batch); differentiable w.r.t. `student`. */
  abstract compute(student: Tensor, teacher: Tensor, context?: LossContext): Scalar;

  // Learned parts (additive extension for losses that train weights of their own with the
  // student, e.g. MIMKD's critic or MCL's projection heads; losses without them keep these
  // defaults). DistillationObjective calls build() once, with the channel counts (last axis)
  // of the tensors the loss will receive, then trains `trainableWeights` with the student
  // and stores them in checkpoints.

  /** Creates the learned parts; `student` is the width after the term's adapter, if any. */
  build(_channels: { student?: number; teacher?: number }, _seed: number): void {}

  get trainableWeights(): Variable[] {
    return [];
  }

  dispose(): void {}

  protected assertSameShape(student: Tensor, teacher: Tensor): void {
    if (student.shape.length !== teacher.shape.length || student.shape.some((d, i) => d !== teacher.shape[i])) {
      throw new Error(`loss '${this.name}': student [${student.shape}] and teacher [${teacher.shape}] must have the same shape`);
    }
  }

  protected assertRank(x: Tensor, rank: number, which: string): void {
    if (x.rank !== rank) throw new Error(`loss '${this.name}': ${which} must have rank ${rank} (NHWC), got [${x.shape}]`);
  }

  /** Both NHWC maps with the same batch, height and width (channels may differ). */
  protected assertSameGrid(student: Tensor, teacher: Tensor): void {
    this.assertRank(student, 4, 'student');
    this.assertRank(teacher, 4, 'teacher');
    if (student.shape[0] !== teacher.shape[0] || student.shape[1] !== teacher.shape[1] || student.shape[2] !== teacher.shape[2]) {
      throw new Error(`loss '${this.name}': student [${student.shape}] and teacher [${teacher.shape}] need the same batch and spatial size (pair layers of equal resolution)`);
    }
  }
}

export interface LossSpec {
  kind: string;
  [option: string]: unknown;
}

const registry = new Registry<DistillLoss>('loss');
const sources = new Map<string, MethodSource>();
let discovered = false;

function discover(): void {
  if (discovered) return;
  discovered = true;
  requireAll(path.join(__dirname, 'losses'));
}

/** Registers a loss kind; `source` says where the method comes from and how close it is (see ./source.ts). */
export function registerLoss<S extends z.ZodTypeAny>(kind: string, schema: S, factory: (options: z.output<S>) => DistillLoss, source: MethodSource): void {
  if (!source || !['official-code', 'paper', 'abstract-only'].includes(source.level) || !source.reference) {
    throw new Error(`registerLoss('${kind}'): a source {level: official-code | paper | abstract-only, reference, deviations} is required`);
  }
  registry.register(kind, schema, factory);
  sources.set(kind, source);
}

/** Where the loss `kind` comes from (every registered loss declares it). */
export function lossSource(kind: string): MethodSource | undefined {
  discover();
  return sources.get(kind);
}

/** The resolved options of a loss spec: the kind's zod schema applied, defaults filled in. */
export function lossOptions(spec: LossSpec): Record<string, unknown> {
  discover();
  const { kind, ...options } = spec;
  if (typeof kind !== 'string') throw new Error(`loss spec: 'kind' must be a string, got ${JSON.stringify(kind)}`);
  return parseOptions(registry.schema(kind), options, `loss '${kind}'`) as Record<string, unknown>;
}

/** Builds a loss from `{kind, ...options}`; options are validated by the kind's zod schema. */
export function createLoss(spec: LossSpec): DistillLoss {
  discover();
  const { kind, ...options } = spec;
  if (typeof kind !== 'string') throw new Error(`loss spec: 'kind' must be a string, got ${JSON.stringify(kind)}`);
  return registry.create(kind, options);
}

export function listLosses(): string[] {
  discover();
  return registry.kinds();
}
