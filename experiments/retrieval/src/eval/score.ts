// Scoring the whole split, as a deployed system would:
//   dual encoder   embed every image and every caption once; scores = one matrix product;
//   cross-encoder  a dual-encoder first stage proposes the top k candidates of every query, the
//                  cross-encoder scores those k pairs; they are ranked first by its scores, the
//                  other candidates keep their first-stage order behind them.
// Returns the full [images, captions] score matrix for each direction (the re-ranked candidates
// differ between directions) and the wall time of the scoring (features already loaded).
import { tf } from '@kdlab/engine';
import type { Tensor2D, Tensor3D, Tensor4D } from '@kdlab/engine';
import { RetrievalCross, RetrievalDual, type RetrievalNet } from '../model/net';
import { TEXT_DIM, type SplitFeatures } from '../data/features';

export interface Scored {
  /** [images, captions] scores ranking captions for each image (image→text). */
  i2t: Float32Array;
  /** [images, captions] scores ranking images for each caption (text→image). */
  t2i: Float32Array;
  seconds: number;
}

function tensors(f: SplitFeatures): { pixels: Tensor4D; states: Tensor3D; mask: Tensor2D } {
  const n = f.split.images.length;
  const m = f.captionImage.length;
  return {
    pixels: tf.tensor4d(f.pixels, [n, f.imageSize, f.imageSize, 3]),
    states: tf.tensor3d(f.states, [m, f.tokens, TEXT_DIM]),
    mask: tf.tensor2d(f.mask, [m, f.tokens]),
  };
}

export function dualScores(net: RetrievalDual, f: SplitFeatures): Float32Array {
  const t = tensors(f);
  const s = tf.tidy(() => net.similarity(net.embedImages(net.encodeImages(t.pixels)), net.embedTexts(net.encodeTexts(t.states), t.mask)));
  const out = s.dataSync() as Float32Array;
  tf.dispose([s, t.pixels, t.states, t.mask]);
  return out;
}

/** Indices of the k largest values of row, best first (ties by index). */
function topK(row: Float32Array, k: number): number[] {
  return Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b).slice(0, k);
}

export function rerankScores(net: RetrievalCross, first: Float32Array, f: SplitFeatures, k: number, pairBatch: number): { i2t: Float32Array; t2i: Float32Array } {
  const n = f.split.images.length;
  const m = f.captionImage.length;
  const t = tensors(f);
  const regions = tf.tidy(() => net.encodeImages(t.pixels)); // [n, R, d]
  const tokens = tf.tidy(() => net.encodeTexts(t.states)); // [m, L, d]
  const [, l, d] = tokens.shape;
  // Offset that puts every re-ranked candidate ahead of the rest, whose first-stage order is kept.
  const lo = first.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = first.reduce((a, b) => Math.max(a, b), -Infinity);
  const score = (pairs: [number, number][]): Float32Array => {
    const out = new Float32Array(pairs.length);
    for (let from = 0; from < pairs.length; from += pairBatch) {
      const chunk = pairs.slice(from, from + pairBatch);
      const s = tf.tidy(() => {
        const img = tf.tensor1d(chunk.map(([i]) => i), 'int32');
        const cap = tf.tensor1d(chunk.map(([, j]) => j), 'int32');
        const tok = tf.gather(tokens, cap).reshape([chunk.length, 1, l, d]) as Tensor4D;
        const msk = tf.gather(t.mask, cap).reshape([chunk.length, 1, l]) as Tensor3D;
        return net.fuse(tok, msk, tf.gather(regions, img) as Tensor3D);
      });
      out.set(s.dataSync() as Float32Array, from);
      s.dispose();
    }
    return out;
  };
  const rerank = (queries: number, candidates: number, at: (q: number, c: number) => number, pair: (q: number, c: number) => [number, number]) => {
    const out = new Float32Array(n * m);
    const pairs: [number, number][] = [];
    const slots: number[] = [];
    for (let q = 0; q < queries; q++) {
      const row = Float32Array.from({ length: candidates }, (_, c) => first[at(q, c)]);
      for (let c = 0; c < candidates; c++) out[at(q, c)] = (row[c] - lo) / (hi - lo + 1e-12) - 2; // in [-2, -1]
      for (const c of topK(row, k)) {
        pairs.push(pair(q, c));
        slots.push(at(q, c));
      }
    }
    const s = score(pairs);
    const smin = s.reduce((a, b) => Math.min(a, b), Infinity);
    slots.forEach((slot, i) => (out[slot] = s[i] - smin)); // ≥ 0: ahead of every first-stage-only candidate
    return out;
  };
  const i2t = rerank(n, m, (i, j) => i * m + j, (i, j) => [i, j]);
  const t2i = rerank(m, n, (j, i) => i * m + j, (j, i) => [i, j]);
  tf.dispose([regions, tokens, t.pixels, t.states, t.mask]);
  return { i2t, t2i };
}

export function scoreSplit(net: RetrievalNet, f: SplitFeatures, opts: { firstStage?: RetrievalDual; k: number; pairBatch: number }): Scored {
  const started = process.hrtime.bigint();
  let i2t: Float32Array;
  let t2i: Float32Array;
  if (net instanceof RetrievalDual) {
    i2t = t2i = dualScores(net, f);
  } else if (net instanceof RetrievalCross) {
    if (!opts.firstStage) throw new Error('config.eval.firstStage: a cross-encoder needs a dual-encoder first stage (the weights dir of a trained retrieval-dual run)');
    ({ i2t, t2i } = rerankScores(net, dualScores(opts.firstStage, f), f, opts.k, opts.pairBatch));
  } else {
    throw new Error('retrieval evaluation: unknown model kind');
  }
  return { i2t, t2i, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
