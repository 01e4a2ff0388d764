// Random aligned LR/HR training patches, with the 8 flips/rotations of EDSR-style augmentation.
// Pixels are copied in plain typed-array loops and become tensors in one call per batch:
// per-pixel TF ops would cost more than the training step.
import { tf } from '@kdlab/engine';
import type { Rng, Tensor4D } from '@kdlab/engine';
import type { Image } from './image';
import type { SrPair } from './sr-pairs';

/** What sampling needs of a pair (loaded pairs also carry their file and sha256). */
type PatchPair = Pick<SrPair, 'name' | 'hr' | 'lr'>;

export interface PatchSamplerOptions {
  /** LR patch side in pixels; the HR patch side is lrPatch * scale. */
  lrPatch: number;
  scale: number;
  batch: number;
  rng: Rng;
  /** Random horizontal flip, vertical flip and transpose (90° rotation), each with p = 0.5. */
  augment: boolean;
  /**
   * Pairs whose LR is smaller than the patch: 'skip' (default) leaves them out, lists them in
   * `skipped` and warns once; 'error' refuses them. Small datasets (T91 at x4 with 48px LR
   * patches drops 51 of 91) make this a real choice, so it is visible either way.
   */
  smallImages?: 'skip' | 'error';
}

export interface PatchSamplerState {
  rng: number;
  batches: number;
}

interface Transform {
  hflip: boolean;
  vflip: boolean;
  transpose: boolean;
}

/**
 * Copies the side x side window at (top, left) of `img`, transformed, into `out` at `offset`
 * as float32 RGB in [0,1] (grey replicated). Output (i, j) reads the window at (a, b) with
 * a, b = transpose ? (j, i) : (i, j), then flipped: the same for LR and HR keeps them aligned.
 */
function copyPatch(img: Image, top: number, left: number, side: number, t: Transform, out: Float32Array, offset: number): void {
  const { data, width, channels } = img;
  const inv = 1 / 255;
  let d = offset;
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      let a = t.transpose ? j : i;
      let b = t.transpose ? i : j;
      if (t.vflip) a = side - 1 - a;
      if (t.hflip) b = side - 1 - b;
      const s = ((top + a) * width + left + b) * channels;
      if (channels === 3) {
        out[d] = data[s] * inv;
        out[d + 1] = data[s + 1] * inv;
        out[d + 2] = data[s + 2] * inv;
      } else {
        const v = data[s] * inv;
        out[d] = v;
        out[d + 1] = v;
        out[d + 2] = v;
      }
      d += 3;
    }
  }
}

export class PatchSampler {
  private batches = 0;
  private readonly pairs: PatchPair[];
  private readonly opts: PatchSamplerOptions;

  /** Names of pairs left out because their LR is smaller than the patch. */
  readonly skipped: string[] = [];

  constructor(pairs: PatchPair[], opts: PatchSamplerOptions) {
    const { lrPatch, scale, batch } = opts;
    if (pairs.length === 0) throw new Error('PatchSampler: no pairs');
    for (const [k, v] of Object.entries({ lrPatch, scale, batch })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`PatchSampler: ${k} must be a positive integer, got ${v}`);
    }
    const usable: PatchPair[] = [];
    for (const p of pairs) {
      if (p.hr.height !== p.lr.height * scale || p.hr.width !== p.lr.width * scale) {
        throw new Error(`PatchSampler: pair ${p.name}: HR ${p.hr.height}x${p.hr.width} is not LR ${p.lr.height}x${p.lr.width} times ${scale}`);
      }
      if (p.lr.height >= lrPatch && p.lr.width >= lrPatch) {
        usable.push(p);
      } else if (opts.smallImages === 'error') {
        throw new Error(`PatchSampler: pair ${p.name}: LR ${p.lr.height}x${p.lr.width} is smaller than the ${lrPatch}px patch`);
      } else {
        this.skipped.push(p.name);
      }
    }
    if (usable.length === 0) throw new Error(`PatchSampler: every LR image is smaller than the ${lrPatch}px patch`);
    if (this.skipped.length > 0) {
      console.warn(`PatchSampler: ${this.skipped.length} of ${pairs.length} images are smaller than the ${lrPatch}px LR patch and are left out: ${this.skipped.slice(0, 5).join(', ')}${this.skipped.length > 5 ? ', ...' : ''}`);
    }
    this.pairs = usable;
    this.opts = opts;
  }

  /** One batch: lr [batch, p, p, 3] and hr [batch, p*s, p*s, 3], float32 in [0,1]. */
  next(): { lr: Tensor4D; hr: Tensor4D } {
    const { lrPatch: p, scale: s, batch, rng, augment } = this.opts;
    const hp = p * s;
    const lr = new Float32Array(batch * p * p * 3);
    const hr = new Float32Array(batch * hp * hp * 3);
    for (let n = 0; n < batch; n++) {
      const pair = this.pairs[rng.int(this.pairs.length)];
      const top = rng.int(pair.lr.height - p + 1);
      const left = rng.int(pair.lr.width - p + 1);
      const t: Transform = augment
        ? { hflip: rng.next() < 0.5, vflip: rng.next() < 0.5, transpose: rng.next() < 0.5 }
        : { hflip: false, vflip: false, transpose: false };
      copyPatch(pair.lr, top, left, p, t, lr, n * p * p * 3);
      copyPatch(pair.hr, top * s, left * s, hp, t, hr, n * hp * hp * 3);
    }
    this.batches++;
    return { lr: tf.tensor4d(lr, [batch, p, p, 3]), hr: tf.tensor4d(hr, [batch, hp, hp, 3]) };
  }

  /** Everything needed to continue the same stream after a checkpoint resume. */
  getState(): PatchSamplerState {
    return { rng: this.opts.rng.getState(), batches: this.batches };
  }

  setState(state: unknown): void {
    const s = state as Partial<PatchSamplerState> | null;
    if (!s || typeof s.rng !== 'number' || typeof s.batches !== 'number') {
      throw new Error(`PatchSampler.setState: expected {rng: number, batches: number}, got ${JSON.stringify(state)}`);
    }
    this.opts.rng.setState(s.rng);
    this.batches = s.batches;
  }

  /** Batches drawn so far (restored by setState). */
  get drawn(): number {
    return this.batches;
  }
}
