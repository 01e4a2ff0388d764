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
