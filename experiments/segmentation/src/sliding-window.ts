// Sliding-window inference: a whole image is cut into overlapping square tiles, the
// model's softmax probabilities of every tile are averaged where tiles overlap, so
// every pixel is predicted (and pixels near a tile border, where the model sees least
// context, are averaged with a neighbouring tile's). Tile starts along an axis of
// length L: 0, stride, 2*stride, ... and a last tile flush with the far edge
// (stride = tile - overlap). An image smaller than a tile is padded by edge
// replication first and the padding is cut off afterwards. Uniform weights (choice;
// Gaussian weighting as in nnU-Net is an alternative).
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';

/** Start offsets of tiles of size `tile` covering [0, length) with steps of at most `tile - overlap`. */
export function tileStarts(length: number, tile: number, overlap: number): number[] {
  if (overlap >= tile) throw new Error(`sliding window: overlap ${overlap} must be smaller than the tile ${tile}`);
  if (length <= tile) return [0];
  const stride = tile - overlap;
  const starts: number[] = [];
  for (let s = 0; s + tile < length; s += stride) starts.push(s);
  starts.push(length - tile);
  return starts;
}

export interface SlidingWindowOptions {
  tile: number;
  overlap: number;
  /** Tiles per forward pass. */
  batch: number;
}

/**
 * Probabilities [h, w, classes] (softmax of the model's logits, averaged over the tiles
 * that cover each pixel) for one normalised image `x` [h, w, c].
 * `predict` maps a batch of tiles [n, tile, tile, c] to logits [n, tile, tile, classes].
 */
export function slidingWindow(x: Float32Array, h: number, w: number, c: number, predict: (tiles: Tensor4D) => Tensor, opts: SlidingWindowOptions): { probs: Float32Array; classes: number; coverage: Uint16Array } {
  const { tile } = opts;
  const ph = Math.max(h, tile);
  const pw = Math.max(w, tile);
  // Edge-replicated padding when the image is smaller than a tile.
  const padded = ph === h && pw === w ? x : new Float32Array(ph * pw * c);
  if (padded !== x) {
    for (let y = 0; y < ph; y++) for (let xx = 0; xx < pw; xx++) {
      const src = (Math.min(y, h - 1) * w + Math.min(xx, w - 1)) * c;
      for (let ch = 0; ch < c; ch++) padded[(y * pw + xx) * c + ch] = x[src + ch];
    }
  }
  const positions: [number, number][] = [];
  for (const y0 of tileStarts(ph, tile, opts.overlap)) for (const x0 of tileStarts(pw, tile, opts.overlap)) positions.push([y0, x0]);
  let classes = 0;
  let sum: Float32Array | null = null;
  const coverage = new Uint16Array(ph * pw);
  for (let from = 0; from < positions.length; from += opts.batch) {
    const group = positions.slice(from, from + opts.batch);
    const tiles = new Float32Array(group.length * tile * tile * c);
    group.forEach(([y0, x0], i) => {
      for (let r = 0; r < tile; r++) tiles.set(padded.subarray(((y0 + r) * pw + x0) * c, ((y0 + r) * pw + x0 + tile) * c), (i * tile + r) * tile * c);
    });
    const probs = tf.tidy(() => {
      const logits = predict(tf.tensor4d(tiles, [group.length, tile, tile, c]));
      if (logits.rank !== 4 || logits.shape[1] !== tile || logits.shape[2] !== tile) throw new Error(`sliding window: the model maps tiles [${group.length},${tile},${tile},${c}] to [${logits.shape}], expected [${group.length},${tile},${tile},classes]`);
      return tf.softmax(logits);
    });
    const p = probs.dataSync() as Float32Array;
    classes = probs.shape[3] as number;
    probs.dispose();
    sum ??= new Float32Array(ph * pw * classes);
    group.forEach(([y0, x0], i) => {
      for (let r = 0; r < tile; r++) {
        for (let q = 0; q < tile; q++) {
          const dst = (y0 + r) * pw + x0 + q;
          coverage[dst]++;
          const src = ((i * tile + r) * tile + q) * classes;
          for (let k = 0; k < classes; k++) sum![dst * classes + k] += p[src + k];
        }
      }
    });
  }
  // Average, and cut the padding off.
  const out = new Float32Array(h * w * classes);
  const cov = new Uint16Array(h * w);
  for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
    const src = y * pw + xx;
    const n = coverage[src];
    cov[y * w + xx] = n;
    for (let k = 0; k < classes; k++) out[(y * w + xx) * classes + k] = n > 0 ? sum![src * classes + k] / n : NaN;
  }
  return { probs: out, classes, coverage: cov };
}
