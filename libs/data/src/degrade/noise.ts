// Additive white Gaussian noise on the 0-255 scale, drawn from the seeded kdlab Rng (the released
// code uses torch.randn on the GPU, which no CPU implementation reproduces bit for bit; the noise
// level, i.e. its standard deviation, is what the benchmarks fix). One independent draw per
// value, in HWC order; added before the final rounding, as in the released code.
import type { Rng } from '@kdlab/engine';
import type { FloatImage } from './float-image';

export function addGaussianNoise(img: FloatImage, level: number, rng: Rng): FloatImage {
  if (!(level >= 0) || !Number.isFinite(level)) throw new Error(`noise level must be a number >= 0, got ${level}`);
  if (level === 0) return img;
  const data = new Float64Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = img.data[i] + level * rng.normal();
  return { ...img, data };
}
