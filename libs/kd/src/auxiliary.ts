// Auxiliary networks: learned parts of a loss that are NOT trained by the student's
// optimiser on the student's objective, but by an optimiser of their own on an
// objective of their own, in a separate update after each student step: a GAN
// critic (maximises what the student minimises), a paraphraser pre-trained on the
// teacher's features. The runner (libs/runner/src/train/auxiliary.ts) finds them
// through DistillationObjective.auxiliaries(), trains and checkpoints them.
//
// A loss opts in by having an `auxiliary` property (duck-typed, so DistillLoss itself
// is unchanged); its weights must not be listed in the loss's trainableWeights.
import type { Scalar, Tensor, Variable } from '@kdlab/engine';
import type { Taps } from './taps';

/**
 * What a meta-learned auxiliary network (Meta-KD's KRNet) sees of the student step: the student
 * itself, so it can take a virtual step and score it on held-out data.
 */
export interface StudentStep {
  /** The student's trainable weights (assigned in place only inside metaGradients, then restored). */
  weights: Variable[];
  /** The student's taps on x (training mode). */
  forward(x: Tensor): Taps;
  input: Tensor;
  target: Tensor;
  /** The teacher's taps of this batch (null without a teacher). */
  teacher: Taps | null;
  /** Picks the term's student and teacher tensors from taps. */
  pick(student: Taps, teacher: Taps | null, target: Tensor): [Tensor, Tensor];
  /** The student's learning rate at this step. */
  lr: number;
}

export interface AuxiliaryNetwork {
  /** Weights trained only by the auxiliary update (never by the student's optimiser). */
  readonly weights: Variable[];
  /** Adam settings of its own optimiser (lr constant over the run). */
  readonly optimizer: { lr: number; beta1: number; beta2: number };
  /**
   * Called once before every student step with its 0-based index; returns whether the
   * network trains after that step. A loss may change its own behaviour with it (e.g.
   * a factor-transfer term stays off while its paraphraser is still pre-training).
   */
  beginStep(step: number): boolean;
  /**
   * The network's own objective on this step's tensors: the term's student tensor (as
   * the student produced it in the step, a constant here) and teacher tensor.
   */
  loss(student: Tensor, teacher: Tensor): Scalar;
  /**
   * Optional (additive): when present, the runner applies these gradients (one per weight, the
   * meta-objective's) instead of minimising loss(); returns them with the objective's value.
   */
  metaGradients?(step: StudentStep): { grads: Tensor[]; value: number };
}

/** The auxiliary network of a loss, when it has one. */
export function auxiliaryOf(loss: object): AuxiliaryNetwork | null {
  const aux = (loss as { auxiliary?: AuxiliaryNetwork | null }).auxiliary;
  return aux ?? null;
}

/**
 * Layers a loss reads through its LossContext besides the term's own pair (e.g. the
 * second layer of a cross-layer correlation), declared by an `extraTaps` property, so
 * that the runner records them too.
 */
export interface ExtraTaps {
  student: string[];
  teacher: string[];
}

export function extraTapsOf(loss: object): ExtraTaps {
  const t = (loss as { extraTaps?: Partial<ExtraTaps> }).extraTaps;
  return { student: t?.student ?? [], teacher: t?.teacher ?? [] };
}
