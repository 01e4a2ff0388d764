// What the models read, computed once per split and cached under <cache>/retrieval/features/:
//   images  the centre square of each image, shrunk to imageSize² with MATLAB-compatible bicubic
//           (antialiased) resizing, as float32 (x/255 - 0.5) / 0.25 per channel;
//   text    the frozen all-MiniLM-L6-v2 last hidden states of every caption (first `tokens`
//           positions: [CLS] + WordPiece tokens, truncated; the mask marks real tokens) and its
//           sentence embedding (mean over all tokens, L2-normalised).
// The cache key holds the split's manifest digest and the settings, so changed data is re-encoded.
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { tf } from '@kdlab/engine';
import { cropImage, imresizeBicubic, readImage, repoRoot, toRgb, type Image } from '@kdlab/data';
import { progress } from '@kdlab/runner';
import { meanPoolNormalize } from '../text/bert';
import { loadMiniLm } from '../text/minilm';
import type { RetrievalSplit } from './flickr8k';

export const TEXT_DIM = 384;

export interface SplitFeatures {
  split: RetrievalSplit;
  imageSize: number;
  tokens: number;
  /** [images, S, S, 3] normalised. */
  pixels: Float32Array;
  /** [captions, tokens, 384] */
  states: Float32Array;
  /** [captions, tokens] 1 = token, 0 = padding */
  mask: Float32Array;
  /** [captions, 384] sentence embeddings */
  sentence: Float32Array;
  /** image index of every caption */
  captionImage: number[];
}

export function squareThumbnail(img: Image, size: number): Image {
  const rgb = toRgb(img);
  const side = Math.min(rgb.height, rgb.width);
  const square = cropImage(rgb, Math.floor((rgb.height - side) / 2), Math.floor((rgb.width - side) / 2), side, side);
  const small = imresizeBicubic(square, size / side);
  return small.height === size && small.width === size ? small : cropImage(small, 0, 0, size, size);
}

function encodeImages(split: RetrievalSplit, size: number, log: (l: string) => void): Float32Array {
  const per = size * size * 3;
  const out = new Float32Array(split.files.length * per);
  const bar = progress(`${split.name} images`, split.files.length, { unit: 'img' });
  split.files.forEach((file, i) => {
    const t = squareThumbnail(readImage(file), size);
    for (let k = 0; k < per; k++) out[i * per + k] = (t.data[k] / 255 - 0.5) / 0.25;
    bar.tick(1);
  });
  bar.stop();
  log(`${split.name}: ${split.files.length} images at ${size}x${size}`);
  return out;
}

function encodeTexts(split: RetrievalSplit, tokens: number, cacheDir: string, log: (l: string) => void): { states: Float32Array; mask: Float32Array; sentence: Float32Array } {
  const m = loadMiniLm(cacheDir);
  const n = split.captions.length;
  const states = new Float32Array(n * tokens * TEXT_DIM);
  const mask = new Float32Array(n * tokens);
  const sentence = new Float32Array(n * TEXT_DIM);
  const batch = 50;
  const bar = progress(`${split.name} MiniLM`, n, { unit: 'caption' });
  try {
    for (let from = 0; from < n; from += batch) {
      const ids = split.captions.slice(from, from + batch).map((c) => m.tokenizer.encode(c).ids);
      const { states: h, mask: hm } = m.encoder.tokenStates(ids);
      const L = h.shape[1];
      const keep = Math.min(L, tokens);
      const hv = h.dataSync() as Float32Array;
      const mv = hm.dataSync() as Float32Array;
      ids.forEach((_, i) => {
        const c = from + i;
        for (let t = 0; t < keep; t++) {
          states.set(hv.subarray((i * L + t) * TEXT_DIM, (i * L + t + 1) * TEXT_DIM), (c * tokens + t) * TEXT_DIM);
          mask[c * tokens + t] = mv[i * L + t];
        }
      });
      const pooled = meanPoolNormalize(h, hm);
      sentence.set(pooled.dataSync() as Float32Array, from * TEXT_DIM);
      tf.dispose([h, hm, pooled]);
      bar.tick(ids.length);
    }
  } finally {
    bar.stop();
    m.encoder.dispose();
  }
  log(`${split.name}: ${n} captions through all-MiniLM-L6-v2 (first ${tokens} token states kept)`);
  return { states, mask, sentence };
}

function cacheKey(split: RetrievalSplit, imageSize: number, tokens: number): string {
  return createHash('sha256').update(JSON.stringify({ v: 1, split: split.name, sha: split.provenance.sha256, captions: split.captions, imageSize, tokens })).digest('hex').slice(0, 16);
}

/** Loads or computes the features of a split (cached as raw float32 files). */
export function splitFeatures(split: RetrievalSplit, opts: { imageSize: number; tokens: number; cacheDir?: string; log?: (l: string) => void }): SplitFeatures {
  const cacheDir = opts.cacheDir ?? path.join(repoRoot(), '.cache');
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dir = path.join(cacheDir, 'retrieval', 'features', `${split.name}-${opts.imageSize}-${opts.tokens}-${cacheKey(split, opts.imageSize, opts.tokens)}`);
  const names = ['pixels', 'states', 'mask', 'sentence'] as const;
  const read = (n: string) => {
    const b = fs.readFileSync(path.join(dir, `${n}.f32`));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  let arrays: Record<(typeof names)[number], Float32Array>;
  if (names.every((n) => fs.existsSync(path.join(dir, `${n}.f32`)))) {
    arrays = { pixels: read('pixels'), states: read('states'), mask: read('mask'), sentence: read('sentence') };
  } else {
    const pixels = encodeImages(split, opts.imageSize, log);
    const text = encodeTexts(split, opts.tokens, cacheDir, log);
    arrays = { pixels, ...text };
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    for (const n of names) fs.writeFileSync(path.join(tmp, `${n}.f32`), Buffer.from(arrays[n].buffer, arrays[n].byteOffset, arrays[n].byteLength));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  }
  const captionImage = split.captions.map((_, j) => Math.floor(j / 5));
  return { split, imageSize: opts.imageSize, tokens: opts.tokens, captionImage, ...arrays };
}
