// MV-AT, multi-view attention transfer: Shin, Park, Kim, Lee, Han, "Multi-View
// Attention Transfer for Efficient Speech Enhancement", Interspeech 2022
// (arXiv 2208.10367). No code was released and only the abstract is explicit:
// the student (a smaller MANNER) is trained to match the teacher's attention in
// each of MANNER's three views, in the time domain, with no extra parameters at
// inference. Every detail below is kdlab's choice (source level abstract-only).
//
// One term per (attention block, view); both tensors are taps of the same block
// of teacher and student:
//   view 'channel': the channel branch after its channel attention, [N, 1, T, C]
//       (tap '<block>.channel', e.g. 'enc2.channel'); map = mean over channels of A^2, a [N, T]
//       profile of where the attended channels carry energy. (The raw channel
//       weights are one per channel and so tied to the width; this map is not.)
//   view 'global': the attention over chunks, [N, C, heads, P, P]
//       (tap '<block>.global.map'); map = its mean over channels and heads, [N, P, P].
//   view 'local': the local gate, [N, P, K, 1] (tap '<block>.local.map'); map = the gate.
// Normalisation and distance (the AT form of Zagoruyko & Komodakis 2017): each
// map flattened per utterance and divided by its L2 norm; L = mean over
// utterances of ||a_s - a_t||_2^2, summed over positions (not averaged as
// ./at.ts does), so every view and block lies in [0, 4] whatever its size: a
// global map has P^2 positions, a channel map T, and equal weights then mean
// equal emphasis.
// Widths: every map above averages out (or never had) the channel axis, so a
// teacher and student of different widths compare directly, with no adapter;
// they must share the segment length K and the time grid (same depth, kernel,
// stride), which the loss checks.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

export type MvatView = 'channel' | 'global' | 'local';

/** The width-independent map of one view, flattened per utterance and L2-normalised: [N, positions]. */
export function mvatMap(x: Tensor, view: MvatView): Tensor {
  return tf.tidy(() => {
    const n = x.shape[0];
    let m: Tensor;
    if (view === 'channel') {
      if (x.rank !== 4) throw new Error(`loss 'mvat' (channel view): expected the channel branch [N, 1, T, C], got [${x.shape}]`);
      m = x.square().mean(-1);
    } else if (view === 'global') {
      if (x.rank !== 5) throw new Error(`loss 'mvat' (global view): expected the attention map [N, C, heads, P, P], got [${x.shape}]`);
      m = x.mean([1, 2]);
    } else {
      if (x.rank !== 4 || x.shape[3] !== 1) throw new Error(`loss 'mvat' (local view): expected the local gate [N, P, K, 1], got [${x.shape}]`);
      m = x;
    }
    const flat = m.reshape([n, -1]);
    return flat.div(flat.norm('euclidean', 1, true).maximum(1e-12));
  });
}

export class MultiViewAttentionTransferLoss extends DistillLoss {
  readonly name = 'mvat';
  override readonly needsSameChannels = false;

  constructor(readonly view: MvatView) {
    super();
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    return tf.tidy(() => {
      const s = mvatMap(student, this.view);
      const t = mvatMap(teacher, this.view);
      if (s.shape[0] !== t.shape[0] || s.shape[1] !== t.shape[1]) {
        throw new Error(`loss 'mvat' (${this.view} view): student map [${s.shape}] (from [${student.shape}]) and teacher map [${t.shape}] (from [${teacher.shape}]) differ; pair blocks of the same time grid and segment length`);
      }
      return s.sub(t).square().sum(1).mean() as Scalar;
    });
  }
}

export const MVAT_SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Shin, Park, Kim, Lee, Han, "Multi-View Attention Transfer for Efficient Speech Enhancement", Interspeech 2022, arXiv:2208.10367 (no code released)',
  deviations: [
    'maps chosen by kdlab: channel view = mean over channels of the squared channel-attended branch (a time profile); global view = the chunk-to-chunk attention averaged over channels and heads; local view = the local gate',
    'normalisation and distance chosen by kdlab: per-utterance L2 normalisation, squared Euclidean distance summed over positions and averaged over utterances (the AT form)',
    'one term per attention block and view, with weights set in the method config',
  ],
};

registerLoss('mvat', z.object({ view: z.enum(['channel', 'global', 'local']) }).strict(), (o) => new MultiViewAttentionTransferLoss(o.view), MVAT_SOURCE);
