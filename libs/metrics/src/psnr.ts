import type { Image } from '@kdlab/data';
import type { MetricOptions } from './convention';
import { toPlanePair, type Planes } from './planes';

/** PSNR in dB with peak 255 over the cropped Y (or all RGB) values; Infinity for identical images. */
export function psnr(hr: Image, sr: Image, opts: MetricOptions): number {
  return psnrOfPlanes(...toPlanePair(hr, sr, opts));
}

export function psnrOfPlanes(a: Planes, b: Planes): number {
  let se = 0;
  let count = 0;
  for (let p = 0; p < a.planes.length; p++) {
    const x = a.planes[p];
    const y = b.planes[p];
    for (let i = 0; i < x.length; i++) {
      const d = x[i] - y[i];
      se += d * d;
    }
    count += x.length;
  }
  const mse = se / count;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
