// KDSR's stage-2 distillation of the implicit degradation representation (Xia et al., "Knowledge
// Distillation based Degradation Estimation for Blind Super-Resolution", ICLR 2023):
//
//   L = (1/N) Σ_n KL( softmax(D_T,n / τ) ‖ softmax(D_S,n / τ) )
//     = (1/N) Σ_n Σ_d p^T_nd (log p^T_nd − log p^S_nd)
//
// D_S, D_T: the student's and teacher's IDE representation [N, D]. As the released code
// (KDSR-classic/trainer_iso_stage4.py at commit c7c9e81): F.kl_div(log_softmax(S/τ),
// softmax(T.detach()/τ), reduction='batchmean') — summed over the D values, averaged over the
// batch, and NO τ² factor (unlike Hinton KD); τ = 0.15 (option.py --temperature), weight 1 against
// the L1 SR loss. What is distilled is the output of the IDE's `mlp` (4·n_feats values after its
// second LeakyReLU, tap 'ide.mlp' of the kdsr backbone), not the compressed IDR the SR net reads.
// The teacher runs frozen outside the gradient tape (the code's .detach()).
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { temperatureKl } from '../temperature-kl';

export class KdsrIdrKlLoss extends DistillLoss {
  readonly name = 'kdsr-idr-kl';

  constructor(readonly temperature: number) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertRank(student, 2, 'student IDE representation');
    this.assertSameShape(student, teacher);
    return temperatureKl(student, teacher, this.temperature, { timesTSquared: false });
  }
}

const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Xia et al., KDSR, ICLR 2023; Zj-BinXia/KDSR@c7c9e81 KDSR-classic/trainer_iso_stage4.py (F.kl_div(log_softmax(S/τ), softmax(T.detach()/τ), batchmean), option.py --temperature 0.15)',
  deviations: [],
};

registerLoss('kdsr-idr-kl', z.object({ temperature: z.number().positive().default(0.15) }).strict(), (o) => new KdsrIdrKlLoss(o.temperature), SOURCE);
