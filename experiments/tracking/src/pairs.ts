// Training pairs as SiamFC/SiamRPN cut them, packed for the Siamese models (see
// libs/backbones/src/archs/tracking/siamese.ts): input [B, S, S, 6] = search crop (channels
// 0-2) and exemplar crop (3-5, top-left E x E, zero elsewhere), values in [0, 1]; target
// [B, R, R, 5K] (anchors.ts).
//
// A pair is either two frames of one training sequence at most `maxGap` apart (the exemplar
// around the first frame's box, the search region around the second's), or one still image
// of the training image sets: a random box (side 20-50% of the shorter image side, aspect
// within e^±0.4) is "the object", and the search crop sees it under the usual scale and shift
// jitter plus a colour change (per-channel gain 0.8-1.2) and, with probability 0.3, a blur
// (3x3 mean). Exemplar side sqrt((w+p)(h+p)), p = context (w+h), resized to E; search side
// that x S/E x (1 + U(-scaleJitter, scaleJitter)), its centre shifted so the target lands
// U(-shift, shift) pixels (per axis) off the crop centre, shift = shiftJitter * S / 255.
import { tf } from '@kdlab/engine';
import type { Rng, Tensor4D } from '@kdlab/engine';
import { datasetDir, loadManifest, readImage, type Image } from '@kdlab/data';
import type { BatchStream } from '@kdlab/runner';
import * as path from 'path';
import { buildTarget, makeAnchors, targetChannels, type TargetOptions } from './anchors';
import { boxToTarget, cropToArray, exemplarSide, meanColour, type Target } from './crop';
import type { TrackingData } from './schema';
import { loadSequence, type Sequence } from './sequences';

interface Still {
  files: string[];
  images: Map<number, Image>;
}

const stills = new Map<string, Still>();
const means = new WeakMap<Image, [number, number, number]>();

/** The mean colour of a (cached, immutable) frame, computed once. */
function meanOf(img: Image): [number, number, number] {
  let m = means.get(img);
  if (!m) {
    m = meanColour(img);
    means.set(img, m);
  }
  return m;
}

function stillSet(name: string): Still {
  let s = stills.get(name);
  if (!s) {
    const m = loadManifest(name);
    const dir = datasetDir(m);
    const files = m.files.filter((f) => /\.(png|jpe?g|bmp)$/i.test(f.path)).map((f) => path.join(dir, f.path));
    if (files.length === 0) throw new Error(`stills: dataset ${name} lists no images`);
    s = { files, images: new Map() };
    stills.set(name, s);
  }
  return s;
}

function stillImage(set: Still, i: number): Image {
  let img = set.images.get(i);
  if (!img) {
    img = readImage(set.files[i]);
    set.images.set(i, img);
  }
  return img;
}

interface PairSource {
  z: Image;
  x: Image;
  zBox: Target;
  xBox: Target;
  still: boolean;
}

const valid = (t: Target) => Number.isFinite(t.w) && Number.isFinite(t.h) && t.w > 1 && t.h > 1;

export function targetOptions(d: TrackingData): TargetOptions {
  return {
    head: d.head,
    responseSize: d.responseSize,
    stride: d.stride,
    anchors: d.head === 'siamfc' ? [] : makeAnchors(d.stride, d.ratios, d.scales),
    radius: d.radius,
    posIou: d.posIou,
    negIou: d.negIou,
    posNum: d.posNum,
    negNum: d.negNum,
  };
}

export class PairSampler implements BatchStream {
  private readonly train: Sequence[];
  private readonly stills: Still[];
  private readonly targets: TargetOptions;

  constructor(private readonly d: TrackingData, private readonly rng: Rng) {
    this.train = d.sequences.filter((s) => s !== d.test).map(loadSequence);
    this.stills = d.stills.map(stillSet);
    this.targets = targetOptions(d);
    if (this.train.length === 0 && this.stills.length === 0) throw new Error('pairs: no training sequences and no still images');
  }

  private sequencePair(): PairSource {
    for (let attempt = 0; attempt < 100; attempt++) {
      const seq = this.train[this.rng.int(this.train.length)];
      const i = this.rng.int(seq.frames.length);
      const lo = Math.max(0, i - this.d.maxGap);
      const hi = Math.min(seq.frames.length - 1, i + this.d.maxGap);
      const j = lo + this.rng.int(hi - lo + 1);
      const zBox = boxToTarget(seq.boxes[i]);
      const xBox = boxToTarget(seq.boxes[j]);
      if (valid(zBox) && valid(xBox)) return { z: seq.frame(i), x: seq.frame(j), zBox, xBox, still: false };
    }
    throw new Error(`pairs: no frame pair with valid boxes found in ${this.train.map((s) => s.name).join(', ')}`);
  }

  private stillPair(): PairSource {
    const set = this.stills[this.rng.int(this.stills.length)];
    const img = stillImage(set, this.rng.int(set.files.length));
    const base = (0.2 + 0.3 * this.rng.next()) * Math.min(img.height, img.width);
    const aspect = Math.exp(0.8 * this.rng.next() - 0.4);
    const w = base * Math.sqrt(aspect);
    const h = Math.min(base / Math.sqrt(aspect), img.height - 1);
    const cx = w / 2 + this.rng.next() * Math.max(0, img.width - 1 - w);
    const cy = h / 2 + this.rng.next() * Math.max(0, img.height - 1 - h);
    const box = { cx, cy, w, h };
    return { z: img, x: img, zBox: box, xBox: box, still: true };
  }

  next(): { input: Tensor4D; target: Tensor4D } {
    const { d, rng } = this;
    const S = d.search;
    const E = d.exemplar;
    const R = d.responseSize;
    const C = targetChannels(this.targets);
    const targets = new Float32Array(d.batch * R * R * C);
    // Packed [B, S, S, 6] in JavaScript: the crops are cut straight from the uint8 frames.
    const packed = new Float32Array(d.batch * S * S * 6);
    const search = new Float32Array(S * S * 3);
    const exemplar = new Float32Array(E * E * 3);
    for (let b = 0; b < d.batch; b++) {
      const useStill = this.stills.length > 0 && (this.train.length === 0 || rng.next() < d.stillFraction);
      const p = useStill ? this.stillPair() : this.sequencePair();
      const sz = exemplarSide(p.zBox.w, p.zBox.h, d.context);
      const sx = ((exemplarSide(p.xBox.w, p.xBox.h, d.context) * S) / E) * (1 + d.scaleJitter * (2 * rng.next() - 1));
      const shift = (d.shiftJitter * S) / 255;
      const ox = shift * (2 * rng.next() - 1);
      const oy = shift * (2 * rng.next() - 1);
      cropToArray(p.z, { cx: p.zBox.cx, cy: p.zBox.cy, size: sz }, E, meanOf(p.z), exemplar);
      cropToArray(p.x, { cx: p.xBox.cx - (ox * sx) / S, cy: p.xBox.cy - (oy * sx) / S, size: sx }, S, meanOf(p.x), search);
      if (p.still) this.stillAugment(search, S);
      const base = b * S * S * 6;
      for (let q = 0; q < S * S; q++) {
        for (let c = 0; c < 3; c++) packed[base + q * 6 + c] = search[q * 3 + c];
      }
      for (let i = 0; i < E; i++) {
        for (let j = 0; j < E; j++) {
          for (let c = 0; c < 3; c++) packed[base + (i * S + j) * 6 + 3 + c] = exemplar[(i * E + j) * 3 + c];
        }
      }
      const scale = S / sx;
      targets.set(buildTarget({ dx: ox, dy: oy, w: p.xBox.w * scale, h: p.xBox.h * scale }, this.targets, rng), b * R * R * C);
    }
    return { input: tf.tensor4d(packed, [d.batch, S, S, 6]), target: tf.tensor4d(targets, [d.batch, R, R, C]) };
  }

  /** Colour change (per-channel gain) and, with probability 0.3, a 3x3 mean blur of a still image's search crop, clipped to [0, 1]. */
  private stillAugment(x: Float32Array, size: number): void {
    const gains = [0, 1, 2].map(() => 0.8 + 0.4 * this.rng.next());
    if (this.rng.next() < 0.3) {
      const src = Float32Array.from(x);
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          for (let c = 0; c < 3; c++) {
            let sum = 0;
            let n = 0;
            for (let di = -1; di <= 1; di++) {
              for (let dj = -1; dj <= 1; dj++) {
                const y = i + di;
                const xx = j + dj;
                if (y < 0 || xx < 0 || y >= size || xx >= size) continue;
                sum += src[(y * size + xx) * 3 + c];
                n++;
              }
            }
            x[(i * size + j) * 3 + c] = sum / n;
          }
        }
      }
    }
    for (let q = 0; q < x.length; q++) x[q] = Math.min(1, Math.max(0, x[q] * gains[q % 3]));
  }

  getState(): unknown {
    // Every draw comes from the runner's data Rng, whose state the runner checkpoints.
    return null;
  }

  setState(): void {}
}

