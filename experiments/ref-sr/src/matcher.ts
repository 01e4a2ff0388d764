// Test-time matching of C2-Matching's correspondence network: for each view-1 feature cell, the
// reference cell with the highest cosine similarity of L2-normalised descriptors (argmax over every
// reference cell). The released code (yumingj/C2-Matching@6d60149, mmsr/models/archs/
// ref_map_util.py feature_match_index, used by correspondence_generation_arch.py) matches 3x3 patches of
// normalised descriptors (the correlation of each input patch with every reference patch, by convolution)
// and keeps the argmax index; here patches are single cells (patch size 1): our choice, stated in the README.
import { tf } from '@kdlab/engine';
import type { LayersModel, Tensor, Tensor2D, Tensor3D, Tensor4D } from '@kdlab/engine';

export interface CellMatches {
  /** Per query: the flat index (row · w2 + col) of its best reference cell. */
  index: Int32Array;
  /** Per query: the cosine similarity of that match. */
  score: Float32Array;
}

const normalised = (x: Tensor2D): Tensor2D => x.div(x.square().sum(1, true).sqrt().maximum(1e-12));

/**
 * Best reference cell of each query cell. d1 [h1, w1, C], d2 [h2, w2, C]; `queries` are flat view-1 cell
 * indices (default: every cell). Queries go in chunks so the similarity block stays under ~64 MB.
 */
export function matchCells(d1: Tensor3D, d2: Tensor3D, queries?: Int32Array): CellMatches {
  const [h1, w1, c] = d1.shape;
  const [h2, w2, c2] = d2.shape;
  if (c !== c2) throw new Error(`matchCells: view-1 descriptors [${d1.shape}] and reference descriptors [${d2.shape}] differ in channels`);
  const q = queries ?? Int32Array.from({ length: h1 * w1 }, (_, k) => k);
  const index = new Int32Array(q.length);
  const score = new Float32Array(q.length);
  const ref = tf.tidy(() => normalised(d2.reshape([h2 * w2, c]) as Tensor2D));
  const all = d1.reshape([h1 * w1, c]);
  const chunk = Math.max(1, Math.floor(16e6 / (h2 * w2)));
  for (let at = 0; at < q.length; at += chunk) {
    const ids = q.subarray(at, Math.min(q.length, at + chunk));
    const [best, value] = tf.tidy(() => {
      const sim = tf.matMul(normalised(tf.gather(all, tf.tensor1d(ids, 'int32')) as Tensor2D), ref, false, true);
      return [sim.argMax(1), sim.max(1)];
    });
    index.set(best.dataSync() as Int32Array, at);
    score.set(value.dataSync() as Float32Array, at);
    tf.dispose([best, value]);
  }
  tf.dispose([ref, all]);
  return { index, score };
}

/** Flow [h1, w1, 2] = (dy, dx) in cells from each view-1 cell to its best reference cell. */
export function flowOf(d1: Tensor3D, d2: Tensor3D): Float32Array {
  const [h1, w1] = d1.shape;
  const w2 = d2.shape[1];
  const { index } = matchCells(d1, d2);
  const flow = new Float32Array(h1 * w1 * 2);
  for (let k = 0; k < h1 * w1; k++) {
    flow[2 * k] = Math.floor(index[k] / w2) - Math.floor(k / w1);
    flow[2 * k + 1] = (index[k] % w2) - (k % w1);
  }
  return flow;
}

/** A contras-pair model's two descriptor maps of one packed [1, H, W, 6] input. */
export function descriptorsOf(model: LayersModel, views: Tensor4D): [Tensor3D, Tensor3D] {
  return tf.tidy(() => {
    const out = model.predict(views) as Tensor;
    const c = out.shape[3]! / 2;
    const [a, b] = tf.split(out, [c, c], 3);
    return [a.squeeze([0]) as Tensor3D, b.squeeze([0]) as Tensor3D];
  });
}

/** Flows of a batch of packed view pairs [N, H, W, 6] → [N, H/4, W/4, 2]. */
export function batchFlow(model: LayersModel, views: Tensor4D): Tensor4D {
  const n = views.shape[0];
  const flows: Float32Array[] = [];
  let grid: [number, number] = [0, 0];
  for (let b = 0; b < n; b++) {
    const one = views.slice([b, 0, 0, 0], [1, -1, -1, -1]);
    const [d1, d2] = descriptorsOf(model, one);
    grid = [d1.shape[0], d1.shape[1]];
    flows.push(flowOf(d1, d2));
    tf.dispose([one, d1, d2]);
  }
  const all = new Float32Array(flows.reduce((s, f) => s + f.length, 0));
  flows.forEach((f, b) => all.set(f, b * f.length));
  return tf.tensor4d(all, [n, grid[0], grid[1], 2]);
}
