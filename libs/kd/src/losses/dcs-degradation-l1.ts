// DCS-RISR's degradation regression (Qiao et al., arXiv 2212.07613; abstract-only: "a light
// degradation prediction network to regress the degradation vector"). The abstract names neither
// the vector nor the regression loss; kdlab's choice is L1:
//
//   L = (1/(N·D)) Σ_n Σ_d |d̂_nd − d_nd|
//
// d̂: the student tap of the prediction [N, D] (the dcs-risr backbone's 'dpn', a sigmoid output);
// d: the parameters the training sampler drew, normalised to [0, 1] (the blind-sr task's batch
// extra `degradation`, LossContext.batch; experiments/blind-sr/src/degradation-vector.ts). The
// term's teacher tensor is not read (configure `teacher: target`).
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss, type LossContext } from '../loss';

export class DcsDegradationL1Loss extends DistillLoss {
  readonly name = 'dcs-degradation-l1';
  override readonly needsSameChannels = false;

  compute(student: Tensor, _teacher: Tensor, context?: LossContext): Scalar {
    this.assertRank(student, 2, 'student degradation prediction');
    const target = context?.batch?.degradation;
    if (!target) throw new Error(`loss '${this.name}': the batch carries no 'degradation' target (set config.data.degradationTarget: true in a blind-sr run)`);
    this.assertSameShape(student, target);
    return student.sub(target).abs().mean() as Scalar;
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Qiao et al., DCS-RISR: Dynamic Channel Splitting for Efficient Real-world Image Super-Resolution, arXiv 2212.07613 (abstract; no code released)',
  deviations: ['the degradation vector (the training sampler\'s draws normalised to [0, 1]) and the L1 regression loss are kdlab\'s choices; the abstract names neither'],
};

registerLoss('dcs-degradation-l1', z.object({}).strict(), () => new DcsDegradationL1Loss(), SOURCE);
