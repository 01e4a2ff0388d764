// Square crops around a target, resized, the way Siamese trackers cut their exemplar and
// search regions (SiamFC's get_subwindow): a square of side `size` image pixels centred at
// (cx, cy), bilinearly resampled to out x out with pixel-centre alignment, the part outside
// the image filled with the image's mean colour (per channel).
//
// Coordinates are 0-based and continuous: pixel (i, j) has its centre at (j, i). An OTB box
// (x, y, w, h), 1-based, covering pixels x..x+w-1, has its centre at (x - 1 + (w-1)/2, y - 1 + (h-1)/2).
import { tf } from '@kdlab/engine';
import type { Tensor4D } from '@kdlab/engine';
import type { Image } from '@kdlab/data';
import type { Box } from './otb';

export interface Target {
  cx: number;
  cy: number;
  w: number;
  h: number;
}

export function boxToTarget(b: Box): Target {
  return { cx: b[0] - 1 + (b[2] - 1) / 2, cy: b[1] - 1 + (b[3] - 1) / 2, w: b[2], h: b[3] };
}

export function targetToBox(t: Target): Box {
  return [t.cx - (t.w - 1) / 2 + 1, t.cy - (t.h - 1) / 2 + 1, t.w, t.h];
}

/** SiamFC/SiamRPN exemplar side in image pixels: sqrt((w + p)(h + p)) with p = context * (w + h). */
export function exemplarSide(w: number, h: number, context: number): number {
  const p = context * (w + h);
  return Math.sqrt((w + p) * (h + p));
}

export interface CropRequest {
  cx: number;
  cy: number;
  /** Side of the square in image pixels. */
  size: number;
}

/** Per-channel mean colour of an image (RGB; grey replicated), the padding of crops. */
export function meanColour(img: Image): [number, number, number] {
  const sums = [0, 0, 0];
  const n = img.height * img.width;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) sums[c] += img.data[p * img.channels + (img.channels === 3 ? c : 0)];
  }
  return [sums[0] / n, sums[1] / n, sums[2] / n];
}

/**
 * One crop as float32 HWC in [0, 1], out x out x 3, bilinear, straight from the uint8 image
 * (no full-frame tensor): output pixel k samples the image at c - size/2 + (k + 0.5) size/out;
 * a sample outside the image takes `mean` (0-255 per channel); inside, the four neighbours are
 * clamped to the image (as TensorFlow's crop_and_resize).
 */
export function cropToArray(img: Image, crop: CropRequest, out: number, mean: [number, number, number], into?: Float32Array, offset = 0): Float32Array {
  const dst = into ?? new Float32Array(out * out * 3);
  const { width: W, height: H, channels: ch, data } = img;
  const step = crop.size / out;
  const x0 = crop.cx - crop.size / 2 + 0.5 * step;
  const y0 = crop.cy - crop.size / 2 + 0.5 * step;
  for (let i = 0; i < out; i++) {
    const y = y0 + i * step;
    const inY = y >= 0 && y <= H - 1;
    const ya = Math.floor(y);
    const yb = Math.min(ya + 1, H - 1);
    const fy = y - ya;
    for (let j = 0; j < out; j++) {
      const x = x0 + j * step;
      const at = offset + (i * out + j) * 3;
      if (!inY || x < 0 || x > W - 1) {
        dst[at] = mean[0] / 255;
        dst[at + 1] = mean[1] / 255;
        dst[at + 2] = mean[2] / 255;
        continue;
      }
      const xa = Math.floor(x);
      const xb = Math.min(xa + 1, W - 1);
      const fx = x - xa;
      for (let c = 0; c < 3; c++) {
        const cc = ch === 3 ? c : 0;
        const tl = data[(ya * W + xa) * ch + cc];
        const tr = data[(ya * W + xb) * ch + cc];
        const bl = data[(yb * W + xa) * ch + cc];
        const br = data[(yb * W + xb) * ch + cc];
        const top = tl + (tr - tl) * fx;
        const bottom = bl + (br - bl) * fx;
        dst[at + c] = (top + (bottom - top) * fy) / 255;
      }
    }
  }
  return dst;
}

/** Crops [B, out, out, 3] in [0, 1] of one image (see cropToArray). */
export function cropSquares(img: Image, crops: CropRequest[], out: number, mean: [number, number, number] = meanColour(img)): Tensor4D {
  const buf = new Float32Array(crops.length * out * out * 3);
  crops.forEach((c, b) => cropToArray(img, c, out, mean, buf, b * out * out * 3));
  return tf.tensor4d(buf, [crops.length, out, out, 3]);
}
