// The computation budget of DCS-RISR's dynamic split (Qiao et al., arXiv 2212.07613;
// abstract-only: the octave blocks "adaptively decide the channel splitting scale ... reducing
// computation overhead ... by offering the large scale to low-frequency features"). The abstract
// does not say how the split is kept from using every channel at full resolution; kdlab's choice
// is a hinge on each image's relative cost:
//
//   r(α) = (1 − α)² + (1 − (1 − α)²)/4      OctConv's MACs over a plain conv's when a_in = a_out = α
//   L = (1/N) Σ_n max(0, (1/B) Σ_b r(α_nb) − target)
//
// Student: the split tap [N, B] (dcs-risr's 'dcs.split'); the teacher tensor is not read
// (`teacher: target`). target = r(0.5) = 0.4375 asks for no more, on average per image, than the
// fixed α = 0.5 split costs, leaving the split free to differ between images and blocks.
import { z } from 'zod';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

/** OctConv's relative MACs at low-frequency fraction α (input and output). */
export const octaveRelativeCost = (alpha: number) => (1 - alpha) ** 2 + (1 - (1 - alpha) ** 2) / 4;

export class DcsFlopsLoss extends DistillLoss {
  readonly name = 'dcs-flops';
  override readonly needsSameChannels = false;

  constructor(readonly target: number) {
    super();
  }

  compute(student: Tensor): Scalar {
    this.assertRank(student, 2, 'student split');
    const high = student.neg().add(1).square();
    const cost = high.add(high.neg().add(1).div(4)).mean(1);
    return cost.sub(this.target).relu().mean() as Scalar;
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Qiao et al., DCS-RISR, arXiv 2212.07613 (abstract: the split reduces computation; no code released); cost model of OctConv, Chen et al., ICCV 2019',
  deviations: ['the abstract gives no budget term: this hinge on the per-image relative OctConv cost, and its target, are kdlab\'s choices'],
};

registerLoss('dcs-flops', z.object({ target: z.number().min(0).max(1).default(0.4375) }).strict(), (o) => new DcsFlopsLoss(o.target), SOURCE);
