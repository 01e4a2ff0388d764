// torch.nn.functional.interpolate (align_corners=False, no antialiasing) in its three modes used by
// Real-ESRGAN's random resize: 'area' (adaptive average pooling), 'bilinear' and 'bicubic' (Keys
// a = -0.75, indices clamped to the border). Source coordinate of output o: (o + 0.5) · ratio - 0.5,
// ratio = 1 / scale when a scale factor is given (torch keeps the factor for the mapping), else
// in / out. Rows and columns are separable, so each pass is a 1-D resampling.
import type { FloatImage } from './float-image';

export type InterpolationMode = 'area' | 'bilinear' | 'bicubic';
export const INTERPOLATION_MODES: readonly InterpolationMode[] = ['area', 'bilinear', 'bicubic'];

interface Taps { index: Int32Array; weight: Float64Array; taps: number }

function cubicA75(x: number): number {
  const a = -0.75;
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

function taps1d(inLen: number, outLen: number, mode: InterpolationMode, ratio: number): Taps {
  const clamp = (i: number) => (i < 0 ? 0 : i >= inLen ? inLen - 1 : i);
  if (mode === 'area') {
    const taps = Math.ceil(inLen / outLen) + 1;
    const index = new Int32Array(outLen * taps);
    const weight = new Float64Array(outLen * taps);
    for (let o = 0; o < outLen; o++) {
      const start = Math.floor((o * inLen) / outLen);
      const end = Math.ceil(((o + 1) * inLen) / outLen);
      for (let t = 0; t < taps; t++) {
        index[o * taps + t] = clamp(start + t);
        weight[o * taps + t] = start + t < end ? 1 / (end - start) : 0;
      }
    }
    return { index, weight, taps };
  }
  const taps = mode === 'bilinear' ? 2 : 4;
  const index = new Int32Array(outLen * taps);
  const weight = new Float64Array(outLen * taps);
  for (let o = 0; o < outLen; o++) {
    let src = (o + 0.5) * ratio - 0.5;
    if (mode === 'bilinear') {
      if (src < 0) src = 0;
      const i0 = Math.floor(src);
      const l = src - i0;
      index[o * 2] = clamp(i0);
      index[o * 2 + 1] = clamp(i0 + 1);
      weight[o * 2] = 1 - l;
      weight[o * 2 + 1] = l;
    } else {
      const i0 = Math.floor(src);
      const t = src - i0;
      for (let k = 0; k < 4; k++) {
        index[o * 4 + k] = clamp(i0 - 1 + k);
        weight[o * 4 + k] = cubicA75(t - (k - 1));
      }
    }
  }
  return { index, weight, taps };
}

function resampleRows(img: FloatImage, c: Taps, outH: number): FloatImage {
  const rowLen = img.width * img.channels;
  const out = new Float64Array(outH * rowLen);
  for (let o = 0; o < outH; o++) {
    for (let t = 0; t < c.taps; t++) {
      const w = c.weight[o * c.taps + t];
      if (w === 0) continue;
      const src = c.index[o * c.taps + t] * rowLen;
      for (let i = 0; i < rowLen; i++) out[o * rowLen + i] += w * img.data[src + i];
    }
  }
  return { ...img, data: out, height: outH };
}

function transpose(img: FloatImage): FloatImage {
  const { height, width, channels: ch } = img;
  const out = new Float64Array(img.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < ch; k++) out[(x * height + y) * ch + k] = img.data[(y * width + x) * ch + k];
    }
  }
  return { data: out, height: width, width: height, channels: ch };
}

/** Resizes to outH x outW; `scale` (when given) is the factor torch was called with. */
export function interpolate(img: FloatImage, outH: number, outW: number, mode: InterpolationMode, scale?: number): FloatImage {
  if (!INTERPOLATION_MODES.includes(mode)) throw new Error(`interpolation mode must be one of ${INTERPOLATION_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH < 1 || outW < 1) throw new Error(`interpolate: output size must be positive integers, got ${outH}x${outW}`);
  const ratioH = scale ? 1 / scale : img.height / outH;
  const ratioW = scale ? 1 / scale : img.width / outW;
  const tall = resampleRows(img, taps1d(img.height, outH, mode, ratioH), outH);
  return transpose(resampleRows(transpose(tall), taps1d(img.width, outW, mode, ratioW), outW));
}
