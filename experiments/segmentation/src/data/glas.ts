// GlaS (MICCAI 2015 Gland Segmentation Challenge) from the data root: the official
// split train (85) / testA (60) / testB (20), a validation set carved out of train,
// optional k x k box downsampling. Files are checked against datasets/glas.json as
// they are read (a missing or altered file is an error naming it).
import * as fs from 'fs';
import * as path from 'path';
import { checkFile, datasetDir, decodeImage, loadManifest, type Image } from '@kdlab/data';
import type { GlasSplit } from '../schema';

export const GLAS_COUNTS = { train: 85, testA: 60, testB: 20 } as const;

/**
 * The validation images carved out of the official training set: every 6th one
 * (train_6, train_12, ..., train_84; 14 images), fixed for every seed, so
 * hyper-parameters are chosen without touching testA/testB. 71 images remain for training.
 */
export const VALIDATION_EVERY = 6;

/** File stems (`train_3`, `testA_17`) of a split, in numeric order. */
export function glasNames(split: GlasSplit): string[] {
  const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}_${i + 1}`);
  if (split === 'testA' || split === 'testB') return range(split, GLAS_COUNTS[split]);
  const all = range('train', GLAS_COUNTS.train);
  const isVal = (_: string, i: number) => (i + 1) % VALIDATION_EVERY === 0;
  return split === 'val' ? all.filter(isVal) : all.filter((n, i) => !isVal(n, i));
}

/** One GlaS image: RGB and mask at the working (downsampled) resolution, and the full-resolution mask the metrics use. */
export interface GlasImage {
  name: string;
  /** RGB, HWC uint8, after downsampling by `factor`. */
  image: Image;
  /** 0/1 per pixel of `image`. */
  mask: Uint8Array;
  /** 0/1 at the original resolution (what every metric is computed on). */
  fullMask: Uint8Array;
  fullHeight: number;
  fullWidth: number;
  factor: number;
}

/** Reads an image file and its mask, verifying both against the manifest. */
function readPair(name: string): { image: Image; mask: Uint8Array } {
  const manifest = loadManifest('glas');
  const root = datasetDir(manifest);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const read = (rel: string) => {
    const entry = byPath.get(rel);
    if (!entry) throw new Error(`glas: ${rel} is not listed in datasets/glas.json`);
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) throw new Error(`glas: ${file} is missing (data root: KDLAB_DATA_ROOT; see datasets/glas.json)`);
    const bytes = fs.readFileSync(file);
    checkFile(file, bytes, entry, 'glas');
    return decodeImage(bytes, file);
  };
  const image = read(`images/${name}.jpg`);
  const m = read(`masks/${name}.png`);
  if (image.channels !== 3) throw new Error(`glas: images/${name}.jpg has ${image.channels} channel(s), expected RGB`);
  if (m.height !== image.height || m.width !== image.width) throw new Error(`glas: masks/${name}.png is ${m.width}x${m.height} but its image is ${image.width}x${image.height}`);
  const mask = new Uint8Array(m.height * m.width);
  for (let p = 0; p < mask.length; p++) mask[p] = m.data[p * m.channels] > 127 ? 1 : 0;
  return { image, mask };
}

/**
 * k x k box average of an HWC uint8 image, the image first padded by edge replication to a
 * multiple of k (so that upsampling the result by k and cropping maps back exactly).
 */
export function boxDownsample(data: Uint8Array, h: number, w: number, c: number, k: number): { data: Uint8Array; height: number; width: number } {
  const oh = Math.ceil(h / k);
  const ow = Math.ceil(w / k);
  const out = new Uint8Array(oh * ow * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let dy = 0; dy < k; dy++) {
          const sy = Math.min(h - 1, y * k + dy);
          for (let dx = 0; dx < k; dx++) sum += data[(sy * w + Math.min(w - 1, x * k + dx)) * c + ch];
        }
        out[(y * ow + x) * c + ch] = Math.round(sum / (k * k));
      }
    }
  }
  return { data: out, height: oh, width: ow };
}

export function loadGlas(split: GlasSplit, factor: number, limit?: number): GlasImage[] {
  const names = glasNames(split).slice(0, limit);
  return names.map((name) => {
    const { image, mask } = readPair(name);
    if (factor === 1) return { name, image, mask: mask.slice(), fullMask: mask, fullHeight: image.height, fullWidth: image.width, factor };
    const small = boxDownsample(image.data, image.height, image.width, 3, factor);
    // Masks: the box average of 0/255 thresholded at half (majority; ties count as gland).
    const m255 = mask.map((v) => v * 255);
    const sm = boxDownsample(m255, image.height, image.width, 1, factor);
    return {
      name,
      image: { data: small.data, height: small.height, width: small.width, channels: 3 },
      mask: sm.data.map((v) => (v >= 128 ? 1 : 0)),
      fullMask: mask,
      fullHeight: image.height,
      fullWidth: image.width,
      factor,
    };
  });
}

/** Per-channel mean and standard deviation (0-255 scale) over the pixels of `images`. */
export function channelStats(images: GlasImage[]): { mean: number[]; std: number[] } {
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  let n = 0;
  for (const { image } of images) {
    for (let p = 0; p < image.data.length; p += 3) for (let c = 0; c < 3; c++) {
      const v = image.data[p + c];
      sum[c] += v;
      sq[c] += v * v;
    }
    n += image.data.length / 3;
  }
  const mean = sum.map((s) => s / n);
  return { mean, std: sq.map((s, c) => Math.sqrt(Math.max(1e-6, s / n - mean[c] ** 2))) };
}
