// Response-map geometry and training targets of the Siamese trackers.
//
// Response cell (i, j) of an R x R map looks at the search-crop point offset from the crop
// centre by ((j - (R-1)/2) * stride, (i - (R-1)/2) * stride) pixels (R odd).
// SiamRPN anchors as pysot's Anchors.generate_anchors: base area stride^2, for each ratio r:
// ws = floor(sqrt(stride^2 / r)), hs = floor(ws * r); for each scale s: (ws * s, hs * s);
// order ratio-major, then scale. Targets (layout in @kdlab/kd's siamese/layout.ts):
//   siamfc: label 1 within `radius` cells of the target centre, 0 elsewhere (SiamFC:
//           r_pos = 16 px at stride 8 = 2 cells; no ignored cells);
//   siamrpn: IoU(anchor, target) > posIou positive, < negIou negative (0.6 / 0.3), then at most
//           posNum positives and negNum negatives kept at random, the rest ignored (-1)
//           (pysot AnchorTarget: 16 positives, 64 - 16 = 48 negatives); deltas for every anchor:
//           ((gx - ax)/aw, (gy - ay)/ah, log(gw/aw), log(gh/ah)).
import type { Rng } from '@kdlab/engine';

export interface Anchor {
  w: number;
  h: number;
}

export function makeAnchors(stride: number, ratios: number[], scales: number[]): Anchor[] {
  const size = stride * stride;
  const out: Anchor[] = [];
  for (const r of ratios) {
    const ws = Math.floor(Math.sqrt(size / r));
    const hs = Math.floor(ws * r);
    for (const s of scales) out.push({ w: ws * s, h: hs * s });
  }
  return out;
}

/** Offset (pixels from the crop centre) of response cell index i. */
export function cellOffset(i: number, responseSize: number, stride: number): number {
  return (i - (responseSize - 1) / 2) * stride;
}

/** A box in search-crop pixels, relative to the crop centre. */
export interface CropBox {
  dx: number;
  dy: number;
  w: number;
  h: number;
}

function iouCentred(a: CropBox, b: CropBox): number {
  const ix = Math.max(0, Math.min(a.dx + a.w / 2, b.dx + b.w / 2) - Math.max(a.dx - a.w / 2, b.dx - b.w / 2));
  const iy = Math.max(0, Math.min(a.dy + a.h / 2, b.dy + b.h / 2) - Math.max(a.dy - a.h / 2, b.dy - b.h / 2));
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

export interface TargetOptions {
  head: 'siamfc' | 'siamrpn';
  responseSize: number;
  stride: number;
  anchors: Anchor[];
  radius: number;
  posIou: number;
  negIou: number;
  posNum: number;
  negNum: number;
}

/** Channels per cell of the target: 5 per anchor (label, 4 deltas); siamfc has one "anchor". */
export function targetChannels(o: Pick<TargetOptions, 'head' | 'anchors'>): number {
  return 5 * (o.head === 'siamfc' ? 1 : o.anchors.length);
}

/** The target [R, R, 5K] of one pair (row-major floats), `box` the target in the search crop. */
export function buildTarget(box: CropBox, o: TargetOptions, rng: Rng): Float32Array {
  const R = o.responseSize;
  const C = targetChannels(o);
  const t = new Float32Array(R * R * C);
  if (o.head === 'siamfc') {
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < R; j++) {
        const d = Math.hypot(cellOffset(j, R, o.stride) - box.dx, cellOffset(i, R, o.stride) - box.dy) / o.stride;
        t[(i * R + j) * C] = d <= o.radius ? 1 : 0;
      }
    }
    return t;
  }
  const K = o.anchors.length;
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < R; j++) {
      for (let k = 0; k < K; k++) {
        const a: CropBox = { dx: cellOffset(j, R, o.stride), dy: cellOffset(i, R, o.stride), w: o.anchors[k].w, h: o.anchors[k].h };
        const at = (i * R + j) * C + 5 * k;
        t[at] = -1;
        t[at + 1] = (box.dx - a.dx) / a.w;
        t[at + 2] = (box.dy - a.dy) / a.h;
        t[at + 3] = Math.log(box.w / a.w);
        t[at + 4] = Math.log(box.h / a.h);
        const v = iouCentred(a, box);
        if (v > o.posIou) pos.push(at);
        else if (v < o.negIou) neg.push(at);
      }
    }
  }
  for (const at of rng.shuffle(pos).slice(0, o.posNum)) t[at] = 1;
  for (const at of rng.shuffle(neg).slice(0, o.negNum)) t[at] = 0;
  return t;
}

/** numpy's np.hanning(n): 0.5 - 0.5 cos(2 pi k / (n - 1)). */
export function hanning(n: number): number[] {
  if (n === 1) return [1];
  return Array.from({ length: n }, (_, k) => 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / (n - 1)));
}
