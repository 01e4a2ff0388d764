// The images of a reference-based SR sample: view 1 (the input, HR or its LR), view 2 (the reference),
// the LR-up view C2-Matching's student matches from, and the reference's photometric change.
import { tf } from '@kdlab/engine';
import type { Rng, Tensor4D } from '@kdlab/engine';
import { cropImage, imageToTensor, imresizeBicubic, toRgb, type Image } from '@kdlab/data';
import type { Photometric, View1Kind } from './schema';

/** MATLAB-bicubic x1/s LR of an HR image (sides divisible by s). */
export function lrOf(hr: Image, scale: number): Image {
  if (hr.height % scale || hr.width % scale) throw new Error(`lrOf: ${hr.height}x${hr.width} is not divisible by the scale ${scale}`);
  return imresizeBicubic(hr, 1 / scale);
}

/** The LR image upsampled back to HR size by MATLAB bicubic (what C2-Matching's student matches from). */
export function lrUpOf(hr: Image, scale: number): Image {
  return imresizeBicubic(lrOf(hr, scale), scale);
}

export function view1Of(kind: View1Kind, hr: Image, scale: number): Image {
  return kind === 'hr' ? hr : lrUpOf(hr, scale);
}

/** Per image: v' = clip(gain · (v/255)^gamma + bias) (brightness, contrast and tone change of a second photo). */
export function photometricChange(img: Image, p: Photometric, rng: Rng): Image {
  const u = ([a, b]: [number, number]) => a + (b - a) * rng.next();
  const gain = u(p.gain);
  const bias = u(p.bias);
  const gamma = u(p.gamma);
  const lut = Uint8Array.from({ length: 256 }, (_, v) => Math.round(255 * Math.min(1, Math.max(0, gain * Math.pow(v / 255, gamma) + bias))));
  return { ...img, data: Uint8Array.from(img.data, (v) => lut[v]) };
}

/** [N, H, W, 6]: view 1 ⊕ view 2 per sample (the contras-pair model's input). */
export function packViews(view1: Image[], view2: Image[]): Tensor4D {
  return tf.tidy(() => tf.stack(view1.map((v, i) => tf.concat([imageToTensor(v), imageToTensor(view2[i])], 2))) as Tensor4D);
}

/** [N, H, W, 3] from images of one size. */
export function batchOf(images: Image[]): Tensor4D {
  return tf.tidy(() => tf.stack(images.map((v) => imageToTensor(v))) as Tensor4D);
}

/** The centre `side`×`side` window (shrunk to the image, kept a multiple of `multiple`), as RGB. */
export function centreWindow(img: Image, side: number, multiple: number, height = img.height, width = img.width): Image {
  const h = Math.floor(Math.min(side, height) / multiple) * multiple;
  const w = Math.floor(Math.min(side, width) / multiple) * multiple;
  return toRgb(cropImage(img, (img.height - h) >> 1, (img.width - w) >> 1, h, w));
}
