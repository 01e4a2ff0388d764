// Hinton-style KD on the classification response maps of Siamese trackers: every anchor at
// every position is a two-class (background, target) prediction, softened with a temperature,
//
//   L = T^2 * mean_{n, i, j, k} KL( softmax(t_{nijk} / T) || softmax(s_{nijk} / T) )
//
// (SiamFC: the pair (0, s), a softened sigmoid). The T^2 factor keeps the gradient scale
// independent of T (Hinton et al.); averaging over anchors and positions (not summing) keeps
// the weight independent of the response size. Used alone it is the "Hinton KD on response
// maps" baseline; with teacher-bounded-reg it is the teacher-student distillation of the
// distilled Siamese trackers (Shen et al., arXiv 1907.10586), whose abstract states a
// "tracking-specific distillation strategy" but not this formula (our reading).
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';
import { assertHead, clsLogits, headOptions, twoClassKl, type SiameseHead } from '../siamese/layout';

export class ResponseKdLoss extends DistillLoss {
  readonly name = 'response-kd';
  override readonly needsSameChannels = false;

  constructor(readonly head: SiameseHead, readonly anchors: number, readonly temperature: number) {
    super();
    assertHead(this.name, head, anchors);
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    const s = clsLogits(this.name, student, this.head, this.anchors);
    const t = clsLogits(this.name, teacher, this.head, this.anchors);
    const T = this.temperature;
    return twoClassKl(s, t, T).mean().mul(T * T) as Scalar;
  }
}

const SOURCE: MethodSource = {
  level: 'paper',
  reference: 'Hinton, Vinyals, Dean, Distilling the Knowledge in a Neural Network, 2015, applied per anchor and position of a Siamese response map',
  deviations: ['two-class distributions per anchor/position averaged over the map (our adaptation to response maps)'],
};

registerLoss('response-kd', z.object({ ...headOptions, temperature: z.number().positive().default(2) }).strict(), (o) => new ResponseKdLoss(o.head, o.anchors, o.temperature), SOURCE);
