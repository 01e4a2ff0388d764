// Connected components of a binary mask with 8-connectivity (MATLAB's bwlabel default,
// which the GlaS evaluation code uses, and scikit-image's label default in 2-D):
// two passes with union-find; labels 1..count in raster order of first appearance.
export interface Components {
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  /** Pixels of object k at index k - 1 (likewise below). */
  area: number[];
  /** [y0, x0, y1, x1] inclusive. */
  bbox: [number, number, number, number][];
  /** Index of one pixel of each object (its first in raster order). */
  first: number[];
}

const pixelLists = new WeakMap<Components, Int32Array[]>();

/** The pixel indices of object k (1-based), in raster order (built once per labelling). */
export function pixelsOf(c: Components, k: number): Int32Array {
  let lists = pixelLists.get(c);
  if (!lists) {
    lists = c.area.map((a) => new Int32Array(a));
    const fill = new Int32Array(c.count);
    for (let p = 0; p < c.labels.length; p++) {
      const l = c.labels[p];
      if (l) lists[l - 1][fill[l - 1]++] = p;
    }
    pixelLists.set(c, lists);
  }
  return lists[k - 1];
}

export function label8(mask: Uint8Array, height: number, width: number): Components {
  if (mask.length !== height * width) throw new Error(`label8: mask has ${mask.length} pixels, expected ${height}x${width}`);
  const provisional = new Int32Array(mask.length);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  const union = (a: number, b: number) => {
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!mask[p]) continue;
      // Already-visited neighbours: W, NW, N, NE.
      const nbrs: number[] = [];
      if (x > 0 && provisional[p - 1]) nbrs.push(provisional[p - 1]);
      if (y > 0) {
        if (x > 0 && provisional[p - width - 1]) nbrs.push(provisional[p - width - 1]);
        if (provisional[p - width]) nbrs.push(provisional[p - width]);
        if (x < width - 1 && provisional[p - width + 1]) nbrs.push(provisional[p - width + 1]);
      }
      if (nbrs.length === 0) {
        parent.push(parent.length);
        provisional[p] = parent.length - 1;
      } else {
        const m = Math.min(...nbrs);
        provisional[p] = m;
        for (const n of nbrs) union(m, n);
      }
    }
  }
  const final = new Map<number, number>();
  const labels = new Int32Array(mask.length);
  const area: number[] = [];
  const bbox: [number, number, number, number][] = [];
  const first: number[] = [];
  for (let p = 0; p < mask.length; p++) {
    if (!provisional[p]) continue;
    const root = find(provisional[p]);
    let k = final.get(root);
    const y = Math.floor(p / width), x = p % width;
    if (k === undefined) {
      k = final.size + 1;
      final.set(root, k);
      area.push(0);
      bbox.push([y, x, y, x]);
      first.push(p);
    }
    labels[p] = k;
    area[k - 1]++;
    const b = bbox[k - 1];
    if (y > b[2]) b[2] = y;
    if (x < b[1]) b[1] = x;
    if (x > b[3]) b[3] = x;
  }
  return { labels, count: final.size, height, width, area, bbox, first };
}
