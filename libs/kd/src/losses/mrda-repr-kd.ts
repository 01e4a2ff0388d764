// MRDA's stage-4 distillation of the degradation representation (Xia et al., "Meta-Learning based
// Degradation Representation for Blind Super-Resolution", TIP 2023):
//
//   L = (1/N) Σ_n KL( softmax(D_T,n / τ) ‖ softmax(D_S,n / τ) ) + λ · mean_{n,d} |D_S,nd − D_T,nd|
//
// D_S, D_T [N, D]: the student's and teacher's DEN output (the last Linear of its mlp, no
// activation; tap 'den.mlp' of the mrda backbone). As the released code (Zj-BinXia/MRDA at
// commit 36f9c65, trainer_stage4.py): F.kl_div(log_softmax(S/τ), softmax(T/τ),
// reduction='batchmean') (summed over D, averaged over the batch, no τ² factor) plus
// 0.1 · nn.L1Loss()(S, T) (mean over every element); τ = 0.15 (option.py --temperature).
// The released trainer adds this to L1(SR, HR) with weight 1 after the encoder warm-up and uses
// it alone during the warm-up. The teacher runs frozen outside the gradient tape (the released
// teacher's parameters are outside the optimiser).
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { temperatureKl } from '../temperature-kl';

export class MrdaReprKdLoss extends DistillLoss {
  readonly name = 'mrda-repr-kd';

  constructor(readonly temperature: number, readonly l1Weight: number) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertRank(student, 2, 'student DEN representation');
    this.assertSameShape(student, teacher);
    return tf.tidy(() => temperatureKl(student, teacher, this.temperature, { timesTSquared: false }).add(student.sub(teacher).abs().mean().mul(this.l1Weight)) as Scalar);
  }
}

const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Xia et al., MRDA, TIP 2023; Zj-BinXia/MRDA@36f9c65 trainer_stage4.py (F.kl_div(log_softmax(S/τ), softmax(T/τ), batchmean) + 0.1 · L1Loss(S, T)), option.py --temperature 0.15',
  deviations: [],
};

registerLoss(
  'mrda-repr-kd',
  z.object({ temperature: z.number().positive().default(0.15), l1Weight: z.number().nonnegative().default(0.1) }).strict(),
  (o) => new MrdaReprKdLoss(o.temperature, o.l1Weight),
  SOURCE,
);
