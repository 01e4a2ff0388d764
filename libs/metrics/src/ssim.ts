// SSIM of Wang et al. (ssim_index.m): 11x11 Gaussian window, sigma 1.5, K = (0.01, 0.03),
// L = 255, 'valid' filtering, mean of the SSIM map. The Gaussian is separable, so each
// local statistic is a horizontal then a vertical 11-tap pass in double precision.
import type { Image } from '@kdlab/data';
import type { MetricOptions } from './convention';
import { toPlanePair, type Planes } from './planes';

const WINDOW = 11;
const SIGMA = 1.5;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** The normalised 1-D Gaussian; its outer product is fspecial('gaussian', 11, 1.5). */
export function gaussian1d(size = WINDOW, sigma = SIGMA): Float64Array {
  const g = new Float64Array(size);
  const mid = (size - 1) / 2;
  let sum = 0;
  for (let k = 0; k < size; k++) {
    g[k] = Math.exp(-((k - mid) ** 2) / (2 * sigma * sigma));
    sum += g[k];
  }
  for (let k = 0; k < size; k++) g[k] /= sum;
  return g;
}

const G = gaussian1d();
// The window is symmetric (G[k] = G[10 - k]): folding pairs of taps halves the multiplies.
const [G0, G1, G2, G3, G4, G5] = G;

/** Horizontal 11-tap Gaussian of one row (starting at `from` in src), valid columns only. */
function horizontalRow(src: Float64Array, from: number, ow: number, dst: Float64Array, to: number): void {
  for (let x = 0; x < ow; x++) {
    const i = from + x;
    dst[to + x] = G0 * (src[i] + src[i + 10]) + G1 * (src[i + 1] + src[i + 9]) + G2 * (src[i + 2] + src[i + 8])
      + G3 * (src[i + 3] + src[i + 7]) + G4 * (src[i + 4] + src[i + 6]) + G5 * src[i + 5];
  }
}

/** Vertical 11-tap Gaussian over the ring of the last 11 horizontally filtered rows; `first` is the oldest slot. */
function verticalRow(ring: Float64Array, ow: number, first: number, dst: Float64Array): void {
  const r = (k: number) => ((first + k) % WINDOW) * ow;
  const r0 = r(0), r1 = r(1), r2 = r(2), r3 = r(3), r4 = r(4), r5 = r(5), r6 = r(6), r7 = r(7), r8 = r(8), r9 = r(9), r10 = r(10);
  for (let x = 0; x < ow; x++) {
    dst[x] = G0 * (ring[r0 + x] + ring[r10 + x]) + G1 * (ring[r1 + x] + ring[r9 + x]) + G2 * (ring[r2 + x] + ring[r8 + x])
      + G3 * (ring[r3 + x] + ring[r7 + x]) + G4 * (ring[r4 + x] + ring[r6 + x]) + G5 * ring[r5 + x];
  }
}

/** Mean SSIM of two planes of equal size (height, width >= 11). */
export function ssimPlane(a: Float64Array, b: Float64Array, height: number, width: number): number {
  if (height < WINDOW || width < WINDOW) throw new Error(`SSIM needs at least ${WINDOW}x${WINDOW} pixels after cropping, got ${height}x${width}`);
  const ow = width - WINDOW + 1;
  const oh = height - WINDOW + 1;
  // SSIM needs sigma1^2 + sigma2^2 only as a sum, so a^2 + b^2 is filtered as one plane:
  // four local statistics (mu1, mu2, E[a^2 + b^2], E[ab]) instead of five. Rows stream
  // through rings of the last 11 filtered rows, so the working set stays in cache.
  const sq = new Float64Array(width);
  const ab = new Float64Array(width);
  const ringA = new Float64Array(WINDOW * ow), ringB = new Float64Array(WINDOW * ow);
  const ringSq = new Float64Array(WINDOW * ow), ringAB = new Float64Array(WINDOW * ow);
  const mA = new Float64Array(ow), mB = new Float64Array(ow), mSq = new Float64Array(ow), mAB = new Float64Array(ow);
  let total = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const va = a[row + x];
      const vb = b[row + x];
      sq[x] = va * va + vb * vb;
      ab[x] = va * vb;
    }
    const slot = (y % WINDOW) * ow;
    horizontalRow(a, row, ow, ringA, slot);
    horizontalRow(b, row, ow, ringB, slot);
    horizontalRow(sq, 0, ow, ringSq, slot);
    horizontalRow(ab, 0, ow, ringAB, slot);
    if (y < WINDOW - 1) continue;
    const first = (y + 1) % WINDOW; // slot of row y - 10
    verticalRow(ringA, ow, first, mA);
    verticalRow(ringB, ow, first, mB);
    verticalRow(ringSq, ow, first, mSq);
    verticalRow(ringAB, ow, first, mAB);
    for (let x = 0; x < ow; x++) {
      const mu1 = mA[x];
      const mu2 = mB[x];
      const mu12 = mu1 * mu1 + mu2 * mu2;
      const cross = mu1 * mu2;
      total += ((2 * cross + C1) * (2 * (mAB[x] - cross) + C2)) / ((mu12 + C1) * (mSq[x] - mu12 + C2));
    }
  }
  return total / (oh * ow);
}

/** SSIM on the cropped Y channel, or the mean of the R, G and B SSIMs. */
export function ssim(hr: Image, sr: Image, opts: MetricOptions): number {
  return ssimOfPlanes(...toPlanePair(hr, sr, opts));
}

export function ssimOfPlanes(a: Planes, b: Planes): number {
  let sum = 0;
  for (let p = 0; p < a.planes.length; p++) sum += ssimPlane(a.planes[p], b.planes[p], a.height, a.width);
  return sum / a.planes.length;
}
