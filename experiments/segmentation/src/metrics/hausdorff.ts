// Hausdorff distance between two objects (pixel sets), exactly, through Euclidean
// distance transforms (Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled
// Functions", 2012) computed on the bounding box of the two objects (exact there:
// every pixel of both sets lies inside it):
//   H(A, B) = max( max_{a in A} d(a, B), max_{b in B} d(b, A) ),  d in pixels.
// Every pixel of an object counts (as the GlaS evaluation code and
// scipy.spatial.distance.directed_hausdorff on the pixel coordinates do), not only its boundary.
import type { Components } from './components';

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

/** A lower bound of H(A_i, B_j): the distance from a pixel of each object to the other's bounding box. */
export function hausdorffLowerBound(a: Components, i: number, b: Components, j: number): number {
  const gap = (p: number, box: [number, number, number, number], width: number) => {
    const y = Math.floor(p / width), x = p % width;
    const dy = Math.max(box[0] - y, 0, y - box[2]);
    const dx = Math.max(box[1] - x, 0, x - box[3]);
    return Math.hypot(dy, dx);
  };
  return Math.max(gap(a.first[i - 1], b.bbox[j - 1], a.width), gap(b.first[j - 1], a.bbox[i - 1], b.width));
}
