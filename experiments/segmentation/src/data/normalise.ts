// Input normalisation: per-channel (x - mean) / std with statistics of the training images used.
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** Writes the normalised float values of an HWC uint8 RGB buffer into `out` from `offset`. */
export function normalise(rgb: Uint8Array, stats: ChannelStats, out: Float32Array, offset = 0): void {
  for (let p = 0; p < rgb.length; p++) out[offset + p] = (rgb[p] - stats.mean[p % 3]) / stats.std[p % 3];
}
