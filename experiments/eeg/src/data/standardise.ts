// Per-electrode standardisation: mean and standard deviation of each electrode over every sample of
// the TRAINING trials of a fold, applied unchanged to its validation and test trials (fitting them
// on held-out trials would leak their statistics into the model).
import type { Epochs } from './epochs';

export interface ChannelStats {
  mean: Float64Array;
  std: Float64Array;
}

export function fitStandardiser(train: Epochs): ChannelStats {
  const { n, electrodes: C, samples: T, x } = train;
  const mean = new Float64Array(C);
  const sq = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      const off = (i * C + c) * T;
      for (let t = 0; t < T; t++) {
        const v = x[off + t];
        mean[c] += v;
        sq[c] += v * v;
      }
    }
  }
  const count = n * T;
  const std = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    mean[c] /= count;
    std[c] = Math.sqrt(Math.max(sq[c] / count - mean[c] * mean[c], 0));
    if (!(std[c] > 0)) throw new Error(`standardisation: electrode row ${c} is constant over the training trials`);
  }
  return { mean, std };
}

export function applyStandardiser(e: Epochs, s: ChannelStats): Epochs {
  const { n, electrodes: C, samples: T } = e;
  const x = new Float32Array(e.x.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      const off = (i * C + c) * T;
      for (let t = 0; t < T; t++) x[off + t] = (e.x[off + t] - s.mean[c]) / s.std[c];
    }
  }
  return { ...e, x };
}
