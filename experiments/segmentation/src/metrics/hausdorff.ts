// Hausdorff distance between two objects (pixel sets), exactly, through Euclidean
// distance transforms (Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled
// Functions", 2012) computed on the bounding box of the two objects (exact there:
// every pixel of both sets lies inside it):
//   H(A, B) = max( max_{a in A} d(a, B), max_{b in B} d(b, A) ),  d in pixels.
// Every pixel of an object counts (as the GlaS evaluation code and
// scipy.spatial.distance.directed_hausdorff on the pixel coordinates do), not only its boundary.
import { pixelsOf, type Components } from './components';

/** Objects with |A| * |B| up to this many pixel pairs are compared point by point (small fragments), larger ones by distance transforms. */
const BRUTE_FORCE_PAIRS = 1_000_000;

/**
 * max_{a in A} min_{b in B} |a - b|^2 over pixel indices of a width-`w` grid, with the early
 * break of Taha & Hanbury (IEEE TPAMI 2015): the inner loop stops once a point of B is
 * closer than the running maximum, since a cannot raise it; points of A inside B are skipped.
 */
function directedSquared(A: Int32Array, B: Int32Array, w: number, inB: (p: number) => boolean): number {
  let worst = 0;
  for (let i = 0; i < A.length; i++) {
    // A pixel inside B is at distance 0 (skipping it avoids a scan of B for every overlapping pixel).
    if (inB(A[i])) continue;
    const ay = Math.floor(A[i] / w), ax = A[i] % w;
    let nearest = Infinity;
    for (let j = 0; j < B.length; j++) {
      const dy = ay - Math.floor(B[j] / w), dx = ax - (B[j] % w);
      const d = dy * dy + dx * dx;
      if (d < nearest) {
        nearest = d;
        if (nearest <= worst) break;
      }
    }
    if (nearest > worst) worst = nearest;
  }
  return worst;
}

const INF = 1e20;

/** In-place 1-D squared distance transform of f (length n) with stride, using scratch buffers. */
function dt1d(f: Float64Array, offset: number, stride: number, n: number, d: Float64Array, v: Int32Array, z: Float64Array, g: Float64Array): void {
  for (let q = 0; q < n; q++) g[q] = f[offset + q * stride];
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (g[q] + q * q - (g[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (g[q] + q * q - (g[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + g[v[k]];
  }
  for (let q = 0; q < n; q++) f[offset + q * stride] = d[q];
}

/** Squared Euclidean distance from every pixel of an h x w grid to the nearest set pixel of `on`. */
export function squaredDistanceTransform(on: Uint8Array, h: number, w: number): Float64Array {
  const f = new Float64Array(h * w);
  for (let p = 0; p < f.length; p++) f[p] = on[p] ? 0 : INF;
  const n = Math.max(h, w);
  const d = new Float64Array(n), v = new Int32Array(n), z = new Float64Array(n + 1), g = new Float64Array(n);
  for (let x = 0; x < w; x++) dt1d(f, x, w, h, d, v, z, g);
  for (let y = 0; y < h; y++) dt1d(f, y * w, 1, w, d, v, z, g);
  return f;
}

/** Hausdorff distance between object i of `a` and object j of `b` (1-based labels of two labelings of the same grid). */
export function objectHausdorff(a: Components, i: number, b: Components, j: number): number {
  if (a.area[i - 1] * b.area[j - 1] <= BRUTE_FORCE_PAIRS) {
    const A = pixelsOf(a, i), B = pixelsOf(b, j);
    return Math.sqrt(Math.max(directedSquared(A, B, a.width, (p) => b.labels[p] === j), directedSquared(B, A, a.width, (p) => a.labels[p] === i)));
  }
  const [ay0, ax0, ay1, ax1] = a.bbox[i - 1];
  const [by0, bx0, by1, bx1] = b.bbox[j - 1];
  const y0 = Math.min(ay0, by0), x0 = Math.min(ax0, bx0);
  const h = Math.max(ay1, by1) - y0 + 1, w = Math.max(ax1, bx1) - x0 + 1;
  const inA = new Uint8Array(h * w), inB = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = (y + y0) * a.width + x + x0;
    inA[y * w + x] = a.labels[p] === i ? 1 : 0;
    inB[y * w + x] = b.labels[p] === j ? 1 : 0;
  }
  const toB = squaredDistanceTransform(inB, h, w);
  const toA = squaredDistanceTransform(inA, h, w);
  let worst = 0;
  for (let p = 0; p < h * w; p++) {
    if (inA[p] && toB[p] > worst) worst = toB[p];
    if (inB[p] && toA[p] > worst) worst = toA[p];
  }
  return Math.sqrt(worst);
}

/** Per object of `c`, the largest value of `field` (a full-grid map) over its pixels. */
export function maxPerObject(c: Components, field: Float64Array): number[] {
  const out = new Array<number>(c.count).fill(0);
  for (let p = 0; p < c.labels.length; p++) {
    const k = c.labels[p];
    if (k && field[p] > out[k - 1]) out[k - 1] = field[p];
  }
  return out;
}

/** The full-grid squared distance map to object k of `c`. */
export function distanceToObject(c: Components, k: number): Float64Array {
  const on = new Uint8Array(c.labels.length);
  for (let p = 0; p < on.length; p++) on[p] = c.labels[p] === k ? 1 : 0;
  return squaredDistanceTransform(on, c.height, c.width);
}

/**
 * Lower bounds lb[i][j] <= H(A_i, B_j) for the objects i in `rows` of `a` and every object j
 * of `b`: a directed distance, max over one object's pixels of the distance to the other.
 * Uses one full-grid distance transform per row object, or per object of `b` when those are
 * fewer (many unmatched fragments against a few glands).
 */
export function hausdorffLowerBounds(a: Components, rows: number[], b: Components): Map<number, number[]> {
  const lb = new Map<number, number[]>(rows.map((i) => [i, new Array<number>(b.count).fill(0)]));
  if (rows.length <= b.count) {
    for (const i of rows) lb.set(i, maxPerObject(b, distanceToObject(a, i)).map(Math.sqrt));
  } else {
    for (let j = 1; j <= b.count; j++) {
      const fromA = maxPerObject(a, distanceToObject(b, j));
      for (const i of rows) lb.get(i)![j - 1] = Math.sqrt(fromA[i - 1]);
    }
  }
  return lb;
}
