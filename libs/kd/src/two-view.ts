// Ground-truth matches between two views' feature maps for C2-Matching's losses (issue 12;
// yumingj/C2-Matching@6d60149, mmsr/models/teacher_contras_model.py: grid_positions, warp, loss_function).
// A view-1 feature cell (i, j) sits at image pixel (stride·j, stride·i); the correspondence map says where
// that pixel lies in view 2 (x, y, image pixels). Cells whose partner lies within `border` pixels of view 2's
// edge are dropped; the partner's feature cell is (round(y / stride), round(x / stride)) with torch.round's
// half-to-even rounding. Plain data (no gradient): it is computed from the correspondence, an input.
import { z } from 'zod';
import type { Tensor, Tensor2D } from '@kdlab/engine';
import type { LossContext } from './loss';

export interface TwoViewMatchOptions {
  /** Image pixels per feature cell (C2-Matching: 4, features after two poolings, `scaling_steps: 2`). */
  stride: number;
  /** Partners closer than this to view 2's edge (image pixels, strict inequalities) are dropped (released: 10). */
  border: number;
}

export interface FeatureGrid {
  height: number;
  width: number;
}

/** The matches of one sample: view-1 and view-2 cells as (row, col) and as flat indices row·width + col. */
export interface CellMatches {
  count: number;
  rows1: Int32Array;
  cols1: Int32Array;
  flat1: Int32Array;
  rows2: Int32Array;
  cols2: Int32Array;
  flat2: Int32Array;
}

/** torch.round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The checked correspondence map [N, H, W, 2] (x, y in view 2) and its values: H, W must give exactly
 * the view-1 feature grid when sampled every `stride` pixels (ceil(H / stride) = h1), as the released
 * `transformed_coordinates[::4, ::4]` assumes.
 */
export function readCorrespondence(correspondence: Tensor | undefined, batch: number, grid1: FeatureGrid, stride: number, who: string): Float32Array {
  if (!correspondence) throw new Error(`loss '${who}': needs context.correspondence (or the batch's extra tensor 'correspondence') [N, H, W, 2] (x, y of each view-1 pixel in view 2)`);
  const [n, h, w, two] = correspondence.shape;
  if (correspondence.rank !== 4 || two !== 2 || n !== batch || Math.ceil(h / stride) !== grid1.height || Math.ceil(w / stride) !== grid1.width) {
    throw new Error(`loss '${who}': context.correspondence is [${correspondence.shape}], expected [${batch}, H, W, 2] with `
      + `ceil(H/${stride}) = ${grid1.height} and ceil(W/${stride}) = ${grid1.width} (the view-1 feature grid)`);
  }
  return correspondence.dataSync() as Float32Array;
}

/** Sample `b`'s matches (`corr` from readCorrespondence, image size H×W). */
export function cellMatches(
  corr: Float32Array, b: number, imageHeight: number, imageWidth: number,
  grid1: FeatureGrid, grid2: FeatureGrid, o: TwoViewMatchOptions,
): CellMatches {
  const rows1: number[] = [], cols1: number[] = [], rows2: number[] = [], cols2: number[] = [];
  // Valid region of view 2 in image pixels; the released code uses view 1's 4·h1, 4·w1 (equal crops there).
  const maxX = o.stride * grid2.width - o.border;
  const maxY = o.stride * grid2.height - o.border;
  for (let i = 0; i < grid1.height; i++) {
    for (let j = 0; j < grid1.width; j++) {
      const at = ((b * imageHeight + i * o.stride) * imageWidth + j * o.stride) * 2;
      const x = corr[at];
      const y = corr[at + 1];
      if (!(x > o.border && x < maxX && y > o.border && y < maxY)) continue;
      rows1.push(i);
      cols1.push(j);
      // The clamp only acts when border < stride / 2 (the released code would index out of range there).
      rows2.push(Math.min(grid2.height - 1, roundHalfEven(y / o.stride)));
      cols2.push(Math.min(grid2.width - 1, roundHalfEven(x / o.stride)));
    }
  }
  const flat = (r: number[], c: number[], width: number) => Int32Array.from(r, (ri, k) => ri * width + c[k]);
  return {
    count: rows1.length,
    rows1: Int32Array.from(rows1),
    cols1: Int32Array.from(cols1),
    flat1: flat(rows1, cols1, grid1.width),
    rows2: Int32Array.from(rows2),
    cols2: Int32Array.from(cols2),
    flat2: flat(rows2, cols2, grid2.width),
  };
}

/** Rows L2-normalised as F.normalize (eps 1e-12 on the norm). */
export function normaliseRows(x: Tensor2D): Tensor2D {
  return x.div(x.square().sum(1, true).sqrt().maximum(1e-12));
}

export interface TwoViewLossOptions extends TwoViewMatchOptions {
  minMatches: number;
}

/** Shared by the C2-Matching losses: shapes, the correspondence, and each kept sample's matches. */
export function matchedSamples(who: string, f1: Tensor, f2: Tensor, context: LossContext | undefined, o: TwoViewLossOptions): CellMatches[] {
  if (f1.rank !== 4 || f2.rank !== 4 || f1.shape[0] !== f2.shape[0]) {
    throw new Error(`loss '${who}': view-1 [${f1.shape}] and view-2 [${f2.shape}] features must be NHWC with the same batch`);
  }
  const [n, h1, w1] = f1.shape;
  const grid1: FeatureGrid = { height: h1, width: w1 };
  const [, h2, w2] = f2.shape as [number, number, number, number];
  const grid2: FeatureGrid = { height: h2, width: w2 };
  // From the context, or from the training batch's extra tensors (runner Batch.extra.correspondence).
  const given = context?.correspondence ?? context?.batch?.correspondence;
  const corr = readCorrespondence(given, n, grid1, o.stride, who);
  const [, imageHeight, imageWidth] = given!.shape;
  const samples: CellMatches[] = [];
  const counts: number[] = [];
  for (let b = 0; b < n; b++) {
    const m = cellMatches(corr, b, imageHeight, imageWidth, grid1, grid2, o);
    counts.push(m.count);
    samples[b] = m;
  }
  if (counts.every((c) => c < o.minMatches)) {
    throw new Error(`loss '${who}': no sample has ${o.minMatches} matches or more (matches per sample: ${counts.join(', ')})`);
  }
  return samples;
}

/** The zod options every C2-Matching loss takes (defaults as released). */
export const twoViewOptions = {
  stride: z.number().int().positive().default(4),
  border: z.number().nonnegative().default(10),
  minMatches: z.number().int().positive().default(128),
};

