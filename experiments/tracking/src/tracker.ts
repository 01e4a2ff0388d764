// The online tracking loop: initialise on the first frame's box, then for every following
// frame crop the search region around the previous estimate, correlate it with the template
// made once from the first frame, and update the box.
//
// SiamFC (Bertinetto et al. 2016, as siamfc-pytorch): a pyramid of `scaleNum` search crops
// (x_sz * scaleStep^k), responses upsampled x responseUp, non-centre scales multiplied by
// scalePenalty, the best scale's map normalised (min-subtracted, sum 1) and blended with a
// cosine (Hann) window, its peak moved into image pixels; the size follows the chosen scale
// with rate scaleLr. Deviation: bilinear upsampling of the response (the reference uses bicubic).
// SiamRPN (Li et al. 2018, as the DaSiamRPN/pysot trackers): anchor scores (softmax fg) and
// decoded boxes, a scale/aspect change penalty exp(-(r_c s_c - 1) penaltyK), a cosine window
// blended with rpnWindowInfluence, the best proposal's box with rate penalty * score * rpnLr.
//
// Lost targets: the centre is kept inside the image and the size within [minSize, image side],
// so a target that leaves the image leaves the box at the border, never a crop of nothing; a
// frame whose response is not finite keeps the previous box. Crops outside the image are
// padded with the first frame's mean colour.
import { tf } from '@kdlab/engine';
import type { Tensor4D } from '@kdlab/engine';
import type { Image } from '@kdlab/data';
import type { SiameseParts } from '@kdlab/backbones';
import { cellOffset, hanning, makeAnchors } from './anchors';
import { boxToTarget, cropSquares, exemplarSide, meanColour, targetToBox, type Target } from './crop';
import type { Box } from './otb';
import type { TrackingData, TrackingEval } from './schema';

export interface TrackRun {
  boxes: Box[];
  /** Tracking time (initialisation and every update; frame decoding excluded). */
  seconds: number;
  fps: number;
  /** Frames whose response was not finite (the previous box was kept). */
  kept: number;
}

interface State extends Target {
  kept: number;
}

function clip(t: Target, img: Image, minSize: number): Target {
  const w = Math.min(Math.max(t.w, minSize), img.width);
  const h = Math.min(Math.max(t.h, minSize), img.height);
  return { cx: Math.min(Math.max(t.cx, 0), img.width - 1), cy: Math.min(Math.max(t.cy, 0), img.height - 1), w, h };
}

const change = (r: number) => Math.max(r, 1 / r);
const padded = (w: number, h: number) => {
  const p = (w + h) / 2;
  return Math.sqrt((w + p) * (h + p));
};

interface Tracker {
  init(frame: Image, box: Box): void;
  update(frame: Image): Box;
  /** Frames whose response was not finite so far. */
  kept(): number;
  dispose(): void;
}

/** The first frame, shared by both trackers: target state, mean colour (the crops' padding) and the kept template. */
function startTemplate(parts: SiameseParts, d: TrackingData, frame: Image, box: Box): { s: State; mean: [number, number, number]; template: Tensor4D[] } {
  const s: State = { ...boxToTarget(box), kept: 0 };
  const mean = meanColour(frame);
  const z = cropSquares(frame, [{ cx: s.cx, cy: s.cy, size: exemplarSide(s.w, s.h, d.context) }], d.exemplar, mean);
  const zf = parts.embed(z);
  const template = parts.template(zf).map((t) => tf.keep(t));
  tf.dispose([z, zf]);
  return { s, mean, template };
}

function siamRpnTracker(parts: SiameseParts, d: TrackingData, e: TrackingEval): Tracker {
  const anchors = makeAnchors(d.stride, d.ratios, d.scales);
  const K = anchors.length;
  if (K !== parts.anchors) throw new Error(`tracking: the model has ${parts.anchors} anchors per position, data.ratios x data.scales give ${K}`);
  const R = d.responseSize;
  const han = hanning(R);
  let template: Tensor4D[] = [];
  let mean: [number, number, number] = [0, 0, 0];
  let s: State = { cx: 0, cy: 0, w: 0, h: 0, kept: 0 };
  return {
    init(frame, box) {
      tf.dispose(template);
      ({ s, mean, template } = startTemplate(parts, d, frame, box));
    },
    update(frame) {
      const sz = exemplarSide(s.w, s.h, d.context);
      const scaleZ = d.exemplar / sz;
      const sx = (sz * d.search) / d.exemplar;
      const out = tf.tidy(() => {
        const x = cropSquares(frame, [{ cx: s.cx, cy: s.cy, size: sx }], d.search, mean);
        return parts.respond(template, parts.embed(x));
      });
      const v = out.dataSync();
      out.dispose();
      const C = 6 * K;
      let best = -1;
      let bestScore = -Infinity;
      let pick = { cx: 0, cy: 0, w: 0, h: 0, lr: 0 };
      const targetSz = padded(s.w * scaleZ, s.h * scaleZ);
      for (let i = 0; i < R; i++) {
        for (let j = 0; j < R; j++) {
          for (let k = 0; k < K; k++) {
            const at = (i * R + j) * C;
            const bg = v[at + 2 * k];
            const fg = v[at + 2 * k + 1];
            const score = 1 / (1 + Math.exp(bg - fg));
            const a = anchors[k];
            const r = at + 2 * K + 4 * k;
            const cx = v[r] * a.w + cellOffset(j, R, d.stride);
            const cy = v[r + 1] * a.h + cellOffset(i, R, d.stride);
            const w = Math.exp(v[r + 2]) * a.w;
            const h = Math.exp(v[r + 3]) * a.h;
            const penalty = Math.exp(-(change(s.w / s.h / (w / h)) * change(padded(w, h) / targetSz) - 1) * e.penaltyK);
            const pscore = penalty * score * (1 - e.rpnWindowInfluence) + han[i] * han[j] * e.rpnWindowInfluence;
            if (pscore > bestScore && Number.isFinite(cx + cy + w + h)) {
              bestScore = pscore;
              best = at;
              pick = { cx, cy, w, h, lr: penalty * score * e.rpnLr };
            }
          }
        }
      }
      if (best < 0 || !Number.isFinite(bestScore)) {
        s.kept++;
        return targetToBox(s);
      }
      const next = clip({ cx: s.cx + pick.cx / scaleZ, cy: s.cy + pick.cy / scaleZ, w: s.w * (1 - pick.lr) + (pick.w / scaleZ) * pick.lr, h: s.h * (1 - pick.lr) + (pick.h / scaleZ) * pick.lr }, frame, e.minSize);
      s = { ...next, kept: s.kept };
      return targetToBox(s);
    },
    kept: () => s.kept,
    dispose() {
      tf.dispose(template);
    },
  };
}

function siamFcTracker(parts: SiameseParts, d: TrackingData, e: TrackingEval): Tracker {
  const R = d.responseSize;
  const U = R * e.responseUp;
  const han1 = hanning(U);
  const hanSum = han1.reduce((a, b) => a + b, 0) ** 2;
  const factors = Array.from({ length: e.scaleNum }, (_, k) => e.scaleStep ** (k - Math.floor(e.scaleNum / 2)));
  let template: Tensor4D[] = [];
  let mean: [number, number, number] = [0, 0, 0];
  let s: State = { cx: 0, cy: 0, w: 0, h: 0, kept: 0 };
  return {
    init(frame, box) {
      tf.dispose(template);
      ({ s, mean, template } = startTemplate(parts, d, frame, box));
    },
    update(frame) {
      const xSz = (exemplarSide(s.w, s.h, d.context) * d.search) / d.exemplar;
      const up = tf.tidy(() => {
        const x = cropSquares(frame, factors.map((f) => ({ cx: s.cx, cy: s.cy, size: xSz * f })), d.search, mean);
        return tf.image.resizeBilinear(parts.respond(template, parts.embed(x)), [U, U], false, true);
      });
      const v = up.dataSync();
      up.dispose();
      const mid = Math.floor(e.scaleNum / 2);
      let scaleId = mid;
      let peak = -Infinity;
      for (let k = 0; k < e.scaleNum; k++) {
        const pen = k === mid ? 1 : e.scalePenalty;
        for (let p = 0; p < U * U; p++) {
          const val = v[k * U * U + p] * pen;
          if (val > peak) {
            peak = val;
            scaleId = k;
          }
        }
      }
      if (!Number.isFinite(peak)) {
        s.kept++;
        return targetToBox(s);
      }
      const map = v.subarray(scaleId * U * U, (scaleId + 1) * U * U);
      let lo = Infinity;
      let sum = 0;
      for (const val of map) lo = Math.min(lo, val);
      for (const val of map) sum += val - lo;
      let loc = 0;
      let bestVal = -Infinity;
      for (let p = 0; p < U * U; p++) {
        const val = (1 - e.fcWindowInfluence) * ((map[p] - lo) / (sum + 1e-16)) + (e.fcWindowInfluence * han1[Math.floor(p / U)] * han1[p % U]) / hanSum;
        if (val > bestVal) {
          bestVal = val;
          loc = p;
        }
      }
      const f = factors[scaleId];
      const toImage = ((d.stride / e.responseUp) * xSz * f) / d.search;
      const dy = (Math.floor(loc / U) - (U - 1) / 2) * toImage;
      const dx = ((loc % U) - (U - 1) / 2) * toImage;
      const scale = 1 - e.scaleLr + e.scaleLr * f;
      s = { ...clip({ cx: s.cx + dx, cy: s.cy + dy, w: s.w * scale, h: s.h * scale }, frame, e.minSize), kept: s.kept };
      return targetToBox(s);
    },
    kept: () => s.kept,
    dispose() {
      tf.dispose(template);
    },
  };
}

/** Tracks `frames` (decoded on demand by `frame(i)`) from the first box; one OTB box per frame. */
export function trackSequence(parts: SiameseParts, frame: (i: number) => Image, count: number, first: Box, d: TrackingData, e: TrackingEval, onFrame?: (done: number) => void): TrackRun {
  if (parts.stride !== d.stride) throw new Error(`tracking: the model's embedding has stride ${parts.stride}, data.stride is ${d.stride}`);
  const tracker = parts.head === 'siamfc' ? siamFcTracker(parts, d, e) : siamRpnTracker(parts, d, e);
  const boxes: Box[] = [first];
  let ms = 0;
  let kept = 0;
  try {
    let img = frame(0);
    let t0 = performance.now();
    tracker.init(img, first);
    ms += performance.now() - t0;
    onFrame?.(1);
    for (let i = 1; i < count; i++) {
      img = frame(i);
      t0 = performance.now();
      boxes.push(tracker.update(img));
      ms += performance.now() - t0;
      onFrame?.(i + 1);
    }
    kept = tracker.kept();
  } finally {
    tracker.dispose();
  }
  return { boxes, seconds: ms / 1000, fps: count / (ms / 1000), kept };
}
