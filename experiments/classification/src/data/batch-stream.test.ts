import { Rng, expectNoLeaks, tf } from '@kdlab/engine';
import { augmentInto } from './augment';
import { ClassificationBatches } from './batch-stream';
import type { LabelledImages } from './labelled-images';
import { channelStats, normaliseInto } from './normalise';

/** A tiny dataset: image i is filled with a pattern that identifies it. */
function fake(n: number, h = 6, w = 5, c: 1 | 3 = 3): LabelledImages {
  const images = new Uint8Array(n * h * w * c);
  for (let i = 0; i < images.length; i++) images[i] = (i * 37 + 11) % 251;
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 4), height: h, width: w, channels: c, classes: ['a', 'b', 'c', 'd'] };
}

/** Reference: pad explicitly, then slice the window, then mirror. */
function reference(src: Uint8Array, h: number, w: number, c: number, pad: number, dy: number, dx: number, flip: boolean): number[] {
  const H = h + 2 * pad, W = w + 2 * pad;
  const padded = new Array<number>(H * W * c).fill(0);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) padded[((y + pad) * W + x + pad) * c + k] = src[(y * w + x) * c + k];
  const out: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const xx = flip ? w - 1 - x : x;
    for (let k = 0; k < c; k++) out.push(padded[((y + pad + dy) * W + xx + pad + dx) * c + k]);
  }
  return out;
}

describe('augmentation', () => {
  it('equals pad-then-crop-then-flip for the offsets it drew', () => {
    const d = fake(1);
    for (let seed = 0; seed < 20; seed++) {
      const probe = new Rng(seed);
      const dy = probe.int(9) - 4, dx = probe.int(9) - 4, flip = probe.next() < 0.5;
      const out = new Uint8Array(d.images.length);
      augmentInto(d.images, 6, 5, 3, { pad: 4, flip: true }, new Rng(seed), out, 0);
      expect(Array.from(out)).toEqual(reference(d.images, 6, 5, 3, 4, dy, dx, flip));
    }
  });

  it('is the identity without padding and flipping', () => {
    const d = fake(1);
    const out = new Uint8Array(d.images.length);
    augmentInto(d.images, 6, 5, 3, { pad: 0, flip: false }, new Rng(1), out, 0);
    expect(Array.from(out)).toEqual(Array.from(d.images));
  });
});

describe('normalisation', () => {
  it('gives zero mean and unit std per channel on the images the stats came from', () => {
    const d = fake(10);
    const stats = channelStats(d);
    const x = new Float32Array(d.images.length);
    normaliseInto(d.images, 3, stats, x);
    for (let k = 0; k < 3; k++) {
      const v = Array.from(x).filter((_, i) => i % 3 === k);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
      expect(Math.abs(m)).toBeLessThan(1e-5);
      expect(s).toBeCloseTo(1, 4);
    }
  });
});

describe('classification batches', () => {
  const opts = (augment: boolean) => ({ batch: 4, augment: { pad: augment ? 2 : 0, flip: augment }, stats: { mean: [0, 0, 0], std: [1, 1, 1] } });

  it('an epoch visits every image once, with its one-hot label', async () => {
    const d = fake(12);
    const s = new ClassificationBatches(d, opts(false), new Rng(3));
    const per = 6 * 5 * 3;
    const seen: number[] = [];
    await expectNoLeaks(() => {
      for (let b = 0; b < 3; b++) {
        const { input, target } = s.next();
        const x = input.dataSync(), y = target.arraySync() as number[][];
        for (let i = 0; i < 4; i++) {
          const first = Math.round(x[i * per] * 255);
          const idx = Array.from({ length: 12 }, (_, j) => j).find((j) => d.images[j * per] === first && d.images[j * per + 1] === Math.round(x[i * per + 1] * 255))!;
          seen.push(idx);
          expect(y[i]).toEqual([0, 1, 2, 3].map((k) => (k === d.labels[idx] ? 1 : 0)));
        }
        tf.dispose([input, target]);
      }
    });
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, j) => j));
    expect(s.epoch).toBe(0);
  });

  it('is reproducible from a seed and resumes exactly from its state and the Rng state', () => {
    const d = fake(10);
    const run = (seed: number, n: number) => {
      const s = new ClassificationBatches(d, opts(true), new Rng(seed));
      return Array.from({ length: n }, () => tf.tidy(() => Array.from(s.next().input.dataSync())));
    };
    expect(run(5, 3)).toEqual(run(5, 3));
    expect(run(5, 1)).not.toEqual(run(6, 1));

    const rng = new Rng(9);
    const a = new ClassificationBatches(d, opts(true), rng);
    for (let i = 0; i < 4; i++) tf.dispose(Object.values(a.next())); // crosses an epoch boundary (10 images, batch 4)
    const state = a.getState(), rngState = rng.getState();
    const expected = tf.tidy(() => Array.from(a.next().input.dataSync()));
    const rng2 = new Rng(0);
    const b = new ClassificationBatches(d, opts(true), rng2);
    b.setState(state);
    rng2.setState(rngState);
    expect(tf.tidy(() => Array.from(b.next().input.dataSync()))).toEqual(expected);
    expect(() => b.setState({ epoch: 1 })).toThrow(/expected \{epoch, cursor, permutationSeed\}/);
  });
});
