// A floating-point image on the 0-255 scale (HWC). The blind-SR degradation (blur -> bicubic ->
// noise) runs in floating point like the released DASR/KDSR code, and is rounded to 8 bits once,
// at the end: rounding in between (as MATLAB's uint8 imresize does after each pass) changes 10.3 %
// of the RGB LR values of Set5 x4 by one level (measured; libs/data/README.md).
import type { Image } from '../image';

export interface FloatImage {
  data: Float64Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

export function toFloatImage(img: Image): FloatImage {
  return { data: Float64Array.from(img.data), height: img.height, width: img.width, channels: img.channels };
}

/**
 * Clamp to [0, 255] and round half to even, as the released code's quantize
 * (`mul(255).clamp(0, 255).round()`, torch.round rounds ties to even).
 */
export function quantizeToUint8(img: FloatImage): Image {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = img.data[i];
    if (!(v > 0)) continue; // also NaN -> 0
    if (v >= 255) {
      out[i] = 255;
      continue;
    }
    const f = Math.floor(v);
    const d = v - f;
    out[i] = d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
  }
  return { data: out, height: img.height, width: img.width, channels: img.channels };
}
