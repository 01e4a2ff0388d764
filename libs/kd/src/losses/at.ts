// Attention transfer (AT): Zagoruyko & Komodakis, "Paying More Attention to
// Attention: Improving the Performance of Convolutional Neural Networks via
// Attention Transfer", ICLR 2017 (activation-based attention, F = sum |A_c|^p).
//
//   Q(A)_n = vec( mean_c A_nhwc^p ),   a_n = Q_n / max(||Q_n||_2, 1e-12)
//   L = mean_{n, hw} (a^s_nhw - a^t_nhw)^2
//
// A: a feature map [N, H, W, C] (student and teacher at the same spatial size;
// channel counts may differ, so no adapter). p = 2 (the paper's choice); the
// mean over channels equals the paper's sum up to a constant that the
// normalisation removes; the mean of squared differences over positions and the
// batch, and eps 1e-12 (F.normalize), are at/at_loss of the authors' code
// (szagoruyko/attention-transfer utils.py) and Attention of CRD/RepDistiller
// (distiller_zoo/AT.py). Weight: both codes multiply the sum of these per-pair
// losses by beta = 1000 (attention-transfer cifar.py `opt.beta * sum(loss_groups)`
// with `--beta 1e+3` in its README; RepDistiller `-b 1000`). The paper's text
// writes beta/2 times a (non-squared) norm difference with beta = 1e3 divided
// by the map size and the batch; the codes, not that sentence, give the 1000.
// A^p for even p equals |A|^p.
// Option `resolution: pool` (pixel distillation, student and teacher at different input sizes):
// the larger map is average-pooled to the smaller's size first, as ATLoss of the released
// pixel-distillation code (gyguo/PixelDistillation lib/losses/at_loss.py); see ../resolution.ts.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { matchResolution, resolutionOption, type ResolutionMatch } from '../resolution';

export function attentionMap(a: Tensor, p: number): Tensor {
  return tf.tidy(() => {
    const q = a.abs().pow(p).mean(-1).reshape([a.shape[0], -1]);
    return q.div(q.norm('euclidean', 1, true).maximum(1e-12));
  });
}

export class AttentionTransferLoss extends DistillLoss {
  readonly name = 'at';
  override readonly needsSameChannels = false;

  constructor(readonly p: number, readonly resolution?: ResolutionMatch) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    return tf.tidy(() => {
      const [s, t] = this.resolution === 'pool' ? matchResolution(student, teacher, this.name) : [student, teacher];
      this.assertSameGrid(s, t);
      return attentionMap(s, this.p).sub(attentionMap(t, this.p)).square().mean() as Scalar;
    });
  }
}

/** Where this loss comes from (see ../source.ts). */
const SOURCE: MethodSource = {
  level: 'official-code',
  reference: 'Zagoruyko, Komodakis, Paying More Attention to Attention, ICLR 2017; at/at_loss of szagoruyko/attention-transfer utils.py and Attention of CRD/RepDistiller distiller_zoo/AT.py',
  deviations: [
    'eps 1e-12 in the normalisation, as F.normalize in both codes',
  ],
};

registerLoss('at', z.object({ p: z.number().positive().default(2), resolution: resolutionOption }).strict(), (o) => new AttentionTransferLoss(o.p, o.resolution), SOURCE);
