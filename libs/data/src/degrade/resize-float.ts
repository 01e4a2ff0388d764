// MATLAB-style bicubic resize on a floating-point image: the same contributions (Keys a = -0.5,
// antialiasing when shrinking, indices clamped to the border, rows before columns) as the uint8
// imresizeBicubic, but with no rounding after either pass. This is what the DASR/KDSR `bicubic`
// module computes (in float32 on the GPU; float64 here).
import { contributions, resizedLength, type Contributions } from '../imresize';
import type { FloatImage } from './float-image';

function resizeRows(img: FloatImage, c: Contributions): FloatImage {
  const rowLen = img.width * img.channels;
  const out = new Float64Array(c.outLength * rowLen);
  for (let o = 0; o < c.outLength; o++) {
    const dst = o * rowLen;
    for (let t = 0; t < c.taps; t++) {
      const w = c.weight[o * c.taps + t];
      if (w === 0) continue;
      const src = c.index[o * c.taps + t] * rowLen;
      for (let i = 0; i < rowLen; i++) out[dst + i] += w * img.data[src + i];
    }
  }
  return { data: out, height: c.outLength, width: img.width, channels: img.channels };
}

function resizeColumns(img: FloatImage, c: Contributions): FloatImage {
  const ch = img.channels;
  const out = new Float64Array(img.height * c.outLength * ch);
  for (let y = 0; y < img.height; y++) {
    const srcRow = y * img.width * ch;
    const dstRow = y * c.outLength * ch;
    for (let o = 0; o < c.outLength; o++) {
      for (let t = 0; t < c.taps; t++) {
        const w = c.weight[o * c.taps + t];
        if (w === 0) continue;
        const s = srcRow + c.index[o * c.taps + t] * ch;
        const d = dstRow + o * ch;
        for (let k = 0; k < ch; k++) out[d + k] += w * img.data[s + k];
      }
    }
  }
  return { data: out, height: img.height, width: c.outLength, channels: ch };
}

/** imresize(img, scale, 'bicubic') in floating point: rows, then columns, never rounded. */
export function imresizeBicubicFloat(img: FloatImage, scale: number): FloatImage {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`imresizeBicubicFloat: scale must be a positive number, got ${scale}`);
  const rows = contributions(img.height, resizedLength(img.height, scale), scale);
  const cols = contributions(img.width, resizedLength(img.width, scale), scale);
  return resizeColumns(resizeRows(img, rows), cols);
}
