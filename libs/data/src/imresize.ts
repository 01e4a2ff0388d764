// MATLAB-compatible bicubic resize: imresize(img, scale, 'bicubic') on a uint8 image.
//
// Reproduces MATLAB's imresize.m: Keys cubic kernel (a = -0.5); when shrinking, the kernel is
// stretched by 1/scale (antialiasing); output pixel x (1-based) samples input coordinate
// u = x/scale + 0.5*(1 - 1/scale); out-of-range taps are CLAMPED to [1, n], i.e. the end
// points are replicated, as imresize.m does ("Clamp out-of-range indices"; mirroring instead
// changes up to 7 levels in the first/last rows and columns of Set5 LR images);
// rows are resized before columns (MATLAB orders dimensions by scale, a tie keeps rows first);
// and, because MATLAB's resize kernel returns the input's class, the uint8 result is rounded
// (half away from zero) and saturated after EACH pass. Checked against the independent numpy
// port in libs/data/golden/ (see imresize.test.ts).
import type { Image } from './image';

/**
 * Version of the LR generation. Part of every cache key built on imresize output (LR image
 * cache, and through the SR task's `data.degradation`, run and teacher hashes), so results made
 * by an earlier version are never reused. v1 mirrored out-of-range taps; v2 clamps like MATLAB.
 */
export const IMRESIZE_VERSION = 'v2-clamp';

// Module-level aliases: under jest 30 every global lookup (`Math`) goes through the sandbox's
// global proxy, which made per-tap Math calls the slowest part of a resize in tests.
const { abs, floor } = Math;

/** For each output index, `taps` input indices (0-based, already clamped to the image) and their weights. */
export interface Contributions {
  outLength: number;
  taps: number;
  index: Int32Array;
  weight: Float64Array;
}

/** Keys' cubic convolution kernel with a = -0.5, as in MATLAB. */
export function cubic(x: number): number {
  const a = abs(x);
  const a2 = a * a;
  const a3 = a2 * a;
  if (a <= 1) return 1.5 * a3 - 2.5 * a2 + 1;
  if (a <= 2) return -0.5 * a3 + 2.5 * a2 - 4 * a + 2;
  return 0;
}

/** MATLAB's output length for a scale factor: ceil(scale * n). */
export function resizedLength(n: number, scale: number): number {
  return Math.ceil(scale * n);
}

/** MATLAB's contributions(): which inputs feed each output and with what weight. */
export function contributions(inLength: number, outLength: number, scale: number, antialias = true): Contributions {
  const shrink = scale < 1 && antialias;
  const kernelWidth = shrink ? 4 / scale : 4;
  const kernel = shrink ? (x: number) => scale * cubic(scale * x) : cubic;
  const taps = Math.ceil(kernelWidth) + 2;
  const weight = new Float64Array(outLength * taps);
  const rawIndex = new Float64Array(outLength * taps);
  for (let x = 1; x <= outLength; x++) {
    const u = x / scale + 0.5 * (1 - 1 / scale);
    const left = floor(u - kernelWidth / 2);
    const row = (x - 1) * taps;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const w = kernel(u - (left + t));
      weight[row + t] = w;
      rawIndex[row + t] = left + t;
      sum += w;
    }
    for (let t = 0; t < taps; t++) weight[row + t] /= sum;
  }
  // Drop tap columns that are zero for every output (MATLAB's `kill`): no effect on values, less work.
  const keep: number[] = [];
  for (let t = 0; t < taps; t++) {
    for (let o = 0; o < outLength; o++) {
      if (weight[o * taps + t] !== 0) {
        keep.push(t);
        break;
      }
    }
  }
  const kept = keep.length;
  const index = new Int32Array(outLength * kept);
  const keptWeight = new Float64Array(outLength * kept);
  for (let o = 0; o < outLength; o++) {
    for (let k = 0; k < kept; k++) {
      const i1 = rawIndex[o * taps + keep[k]]; // 1-based, possibly out of range
      index[o * kept + k] = (i1 < 1 ? 1 : i1 > inLength ? inLength : i1) - 1; // clamp: replicate the end points
      keptWeight[o * kept + k] = weight[o * taps + keep[k]];
    }
  }
  return { outLength, taps: kept, index, weight: keptWeight };
}

/**
 * MATLAB's double -> uint8: round half away from zero, then saturate. `| 0` is floor for
 * these positive values and avoids a Math call in the hot loop (slow under jest's guarded globals).
 */
function toUint8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}

/** Resizes along the height: each output row is a weighted sum of whole input rows. */
function resizeHeight(src: Uint8Array, width: number, channels: number, c: Contributions): Uint8Array {
  const rowLen = width * channels;
  const out = new Uint8Array(c.outLength * rowLen);
  const acc = new Float64Array(rowLen);
  for (let o = 0; o < c.outLength; o++) {
    acc.fill(0);
    for (let t = 0; t < c.taps; t++) {
      const w = c.weight[o * c.taps + t];
      if (w === 0) continue;
      const base = c.index[o * c.taps + t] * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] += w * src[base + i];
    }
    const dst = o * rowLen;
    for (let i = 0; i < rowLen; i++) out[dst + i] = toUint8(acc[i]);
  }
  return out;
}

/** Resizes along the width, row by row; colour channels accumulate together (one index load per tap). */
function resizeWidth(src: Uint8Array, height: number, width: number, channels: number, c: Contributions): Uint8Array {
  const outW = c.outLength;
  const out = new Uint8Array(height * outW * channels);
  const { taps, weight } = c;
  const offset = new Int32Array(c.index.length);
  for (let k = 0; k < offset.length; k++) offset[k] = c.index[k] * channels;
  for (let y = 0; y < height; y++) {
    const srcRow = y * width * channels;
    let d = y * outW * channels;
    for (let o = 0, k0 = 0; o < outW; o++, k0 += taps) {
      if (channels === 3) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = k0; k < k0 + taps; k++) {
          const w = weight[k];
          const p = srcRow + offset[k];
          r += w * src[p];
          g += w * src[p + 1];
          b += w * src[p + 2];
        }
        out[d++] = toUint8(r);
        out[d++] = toUint8(g);
        out[d++] = toUint8(b);
      } else {
        let v = 0;
        for (let k = k0; k < k0 + taps; k++) v += weight[k] * src[srcRow + offset[k]];
        out[d++] = toUint8(v);
      }
    }
  }
  return out;
}

/** MATLAB imresize(img, scale, 'bicubic') for a uint8 image (antialiased when shrinking). */
export function imresizeBicubic(img: Image, scale: number): Image {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`imresizeBicubic: scale must be a positive number, got ${scale}`);
  const { height, width, channels } = img;
  const outH = resizedLength(height, scale);
  const outW = resizedLength(width, scale);
  const rows = contributions(height, outH, scale);
  const cols = contributions(width, outW, scale);
  const tall = resizeHeight(img.data, width, channels, rows);
  return { data: resizeWidth(tall, outH, width, channels, cols), height: outH, width: outW, channels };
}
