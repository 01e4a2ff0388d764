// Per-channel normalisation: x = (pixel/255 - mean_c) / std_c, the transform
// of torchvision's Normalize in the papers' CIFAR code. Mean and std are
// measured on the training images actually used (not copied constants), so a
// subset or another dataset gets its own statistics.
import type { LabelledImages } from './labelled-images';

export interface ChannelStats {
  mean: number[];
  std: number[];
}

export function channelStats(d: LabelledImages): ChannelStats {
  const c = d.channels;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < d.images.length; i++) {
    const v = d.images[i] / 255;
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const n = d.images.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, k) => Math.sqrt(Math.max(1e-12, s / n - mean[k] * mean[k])));
  return { mean, std };
}

/** uint8 HWC values -> normalised float32, channel by channel (c = last axis). */
export function normaliseInto(src: Uint8Array, c: number, stats: ChannelStats, dst: Float32Array): void {
  const scale = stats.std.map((s) => 1 / (255 * s));
  const shift = stats.mean.map((m, k) => -m / stats.std[k]);
  for (let i = 0; i < src.length; i++) {
    const k = i % c;
    dst[i] = src[i] * scale[k] + shift[k];
  }
}
