// Low-resolution views for pixel distillation (Guo et al., TPAMI 2024): the
// student's image is the teacher's (high-resolution) image shrunk by an integer
// factor with MATLAB's bicubic imresize (libs/data; antialiased), the project's
// SR convention. In training the LR view is made from the HR view *after* the
// augmentation, so both views come from one draw (the released code resizes the
// augmented HR crop the same way, datasets/cub_2scale.py, though with PIL's
// bilinear filter: LESSEN_TYPE 2); test images are shrunk once, whole.
import { imresizeBicubic } from '@kdlab/data';
import type { LabelledImages } from './labelled-images';

/** Factors the task accepts: the paper's (2, 4 on CIFAR-sized images; 4 for 224 -> 56) and 1 (no LR view). */
export const LR_FACTORS = [1, 2, 4] as const;
export type LrFactor = (typeof LR_FACTORS)[number];

/** The LR copy of one HWC uint8 image `src` (h x w x c), written into `dst` at `offset`. */
export function shrinkInto(src: Uint8Array, h: number, w: number, c: 1 | 3, factor: LrFactor, dst: Uint8Array, offset: number): void {
  const small = imresizeBicubic({ data: src, height: h, width: w, channels: c }, 1 / factor);
  dst.set(small.data, offset);
}

/** Height and width of the LR view; the HR size must be a multiple of the factor (so every view has one size). */
export function lrSize(h: number, w: number, factor: LrFactor, label: string): [number, number] {
  if (h % factor !== 0 || w % factor !== 0) throw new Error(`${label}: data.lrFactor ${factor} does not divide the ${h}x${w} images`);
  return [h / factor, w / factor];
}

/** Every image of `d` shrunk by `factor` (the test split of an LR run). */
export function shrinkAll(d: LabelledImages, factor: LrFactor, label: string): LabelledImages {
  if (factor === 1) return d;
  const [h, w] = lrSize(d.height, d.width, factor, label);
  const per = d.height * d.width * d.channels;
  const perSmall = h * w * d.channels;
  const n = d.labels.length;
  const images = new Uint8Array(n * perSmall);
  for (let i = 0; i < n; i++) shrinkInto(d.images.subarray(i * per, (i + 1) * per), d.height, d.width, d.channels, factor, images, i * perSmall);
  return { ...d, images, height: h, width: w };
}
