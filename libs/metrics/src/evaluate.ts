import type { Image } from '@kdlab/data';
import type { MetricOptions } from './convention';
import { toPlanePair } from './planes';
import { psnrOfPlanes } from './psnr';
import { ssimOfPlanes } from './ssim';

export interface ImageScore {
  name: string;
  psnr: number;
  ssim: number;
}

export interface Evaluation {
  images: ImageScore[];
  /** Mean over images (the dataset score of the SR tables). */
  mean: { psnr: number; ssim: number };
}

export function evaluatePairs(pairs: { name: string; hr: Image; sr: Image }[], opts: MetricOptions): Evaluation {
  if (pairs.length === 0) throw new Error('evaluatePairs: no image pairs');
  const images = pairs.map(({ name, hr, sr }) => {
    try {
      const [a, b] = toPlanePair(hr, sr, opts); // converted once for both metrics
      return { name, psnr: psnrOfPlanes(a, b), ssim: ssimOfPlanes(a, b) };
    } catch (err) {
      throw new Error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  const mean = (k: 'psnr' | 'ssim') => images.reduce((s, r) => s + r[k], 0) / images.length;
  return { images, mean: { psnr: mean('psnr'), ssim: mean('ssim') } };
}
