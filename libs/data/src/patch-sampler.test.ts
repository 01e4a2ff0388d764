import { Rng, tf } from '@kdlab/engine';
import type { Image } from './image';
import { PatchSampler } from './patch-sampler';
import type { SrPair } from './sr-pairs';
import { loadSrPairs } from './sr-pairs';

/** An LR of random pixels and its nearest-neighbour HR: any aligned patch pair satisfies hr = nearest(lr). */
function nearestPair(name: string, h: number, w: number, s: number, seed: number, channels: 1 | 3 = 3): Pick<SrPair, 'name' | 'hr' | 'lr'> {
  const rng = new Rng(seed);
  const lr: Image = { data: new Uint8Array(h * w * channels), height: h, width: w, channels };
  for (let i = 0; i < lr.data.length; i++) lr.data[i] = rng.int(256);
  const hr: Image = { data: new Uint8Array(h * s * w * s * channels), height: h * s, width: w * s, channels };
  for (let y = 0; y < h * s; y++) {
    for (let x = 0; x < w * s; x++) {
      for (let c = 0; c < channels; c++) hr.data[(y * w * s + x) * channels + c] = lr.data[(Math.floor(y / s) * w + Math.floor(x / s)) * channels + c];
    }
  }
  return { name, hr, lr };
}

function batchValues(sampler: PatchSampler): { lr: Float32Array; hr: Float32Array; lrShape: number[]; hrShape: number[] } {
  const { lr, hr } = sampler.next();
  const out = { lr: lr.dataSync() as Float32Array, hr: hr.dataSync() as Float32Array, lrShape: lr.shape, hrShape: hr.shape };
  tf.dispose([lr, hr]);
  return out;
}

describe('PatchSampler', () => {
  const pairs = [nearestPair('a', 20, 30, 3, 1), nearestPair('b', 12, 9, 3, 2), nearestPair('grey', 10, 10, 3, 3, 1)];

  it('returns [batch,p,p,3] / [batch,p*s,p*s,3] float32 in [0,1], aligned under every flip and rotation', () => {
    const p = 6;
    const s = 3;
    const sampler = new PatchSampler(pairs, { lrPatch: p, scale: s, batch: 8, rng: new Rng(11), augment: true });
    for (let k = 0; k < 20; k++) {
      const { lr, hr, lrShape, hrShape } = batchValues(sampler);
      expect(lrShape).toEqual([8, p, p, 3]);
      expect(hrShape).toEqual([8, p * s, p * s, 3]);
      for (let n = 0; n < 8; n++) {
        for (let y = 0; y < p * s; y++) {
          for (let x = 0; x < p * s; x++) {
            for (let c = 0; c < 3; c++) {
              const hv = hr[((n * p * s + y) * p * s + x) * 3 + c];
              const lv = lr[((n * p + Math.floor(y / s)) * p + Math.floor(x / s)) * 3 + c];
              if (hv !== lv) throw new Error(`batch ${k} sample ${n}: HR (${y},${x},${c}) = ${hv} but its LR pixel is ${lv}`);
            }
          }
        }
      }
      expect(Math.min(...lr)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...hr)).toBeLessThanOrEqual(1);
    }
  });

  it('augmentation yields all 8 flips/rotations of a patch; without it the patch is untouched', () => {
    const only = [nearestPair('one', 4, 4, 2, 9)]; // LR 4x4 and patch 4: a single position
    const seen = new Set<string>();
    const aug = new PatchSampler(only, { lrPatch: 4, scale: 2, batch: 1, rng: new Rng(5), augment: true });
    for (let k = 0; k < 200; k++) seen.add(Array.from(batchValues(aug).lr).join(','));
    expect(seen.size).toBe(8);
    const plain = new PatchSampler(only, { lrPatch: 4, scale: 2, batch: 1, rng: new Rng(5), augment: false });
    const expected = Array.from(only[0].lr.data, (v) => v / 255);
    for (let k = 0; k < 5; k++) expect(Array.from(batchValues(plain).lr)).toEqual(expected.map((v) => Math.fround(v)));
  });

  it('is deterministic for a seed and resumes from a saved state', () => {
    const make = () => new PatchSampler(pairs, { lrPatch: 5, scale: 3, batch: 4, rng: new Rng(42), augment: true });
    const a = make();
    const b = make();
    expect(Array.from(batchValues(a).hr)).toEqual(Array.from(batchValues(b).hr));
    const state = JSON.parse(JSON.stringify(a.getState()));
    const next = batchValues(a).lr;
    const resumed = make();
    resumed.setState(state);
    expect(resumed.drawn).toBe(1);
    expect(Array.from(batchValues(resumed).lr)).toEqual(Array.from(next));
    expect(() => resumed.setState({ rng: 'x' })).toThrow(/setState: expected/);
  });

  it('leaves out (or, if asked, refuses) pairs smaller than the patch, and names a misaligned pair', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sampler = new PatchSampler(pairs, { lrPatch: 11, scale: 3, batch: 1, rng: new Rng(1), augment: false });
    expect(sampler.skipped).toEqual(['b', 'grey']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/2 of 3 images are smaller than the 11px LR patch/));
    warn.mockRestore();
    expect(batchValues(sampler).lrShape).toEqual([1, 11, 11, 3]);
    expect(() => new PatchSampler(pairs, { lrPatch: 11, scale: 3, batch: 1, rng: new Rng(1), augment: false, smallImages: 'error' })).toThrow(/pair b: LR 12x9 is smaller than the 11px patch/);
    expect(() => new PatchSampler(pairs, { lrPatch: 21, scale: 3, batch: 1, rng: new Rng(1), augment: false })).toThrow(/every LR image is smaller/);
    const bad = { ...pairs[0], name: 'bad', lr: nearestPair('x', 5, 5, 1, 1).lr };
    expect(() => new PatchSampler([bad], { lrPatch: 2, scale: 3, batch: 1, rng: new Rng(1), augment: false })).toThrow(/pair bad: HR 60x90 is not LR 5x5 times 3/);
  });

  it('is fast on real data: a 16x48x48 (x4) batch from T91 in a few ms', () => {
    const t91 = loadSrPairs('T91', 4);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sampler = new PatchSampler(t91, { lrPatch: 48, scale: 4, batch: 16, rng: new Rng(0), augment: true });
    warn.mockRestore();
    expect(sampler.skipped).toHaveLength(51); // T91 images under 192 px on a side (counted with Pillow)
    batchValues(sampler);
    const t0 = performance.now();
    for (let k = 0; k < 20; k++) {
      const { lr, hr } = sampler.next();
      tf.dispose([lr, hr]);
    }
    const ms = (performance.now() - t0) / 20;
    console.log(`PatchSampler: ${ms.toFixed(1)} ms per batch of 16 (48px LR, x4) from T91`);
    expect(ms).toBeLessThan(200);
  });
});
