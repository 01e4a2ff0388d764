import { tf, Rng } from '@kdlab/engine';
import { buildTarget, makeAnchors } from './anchors';
import { PairSampler, targetOptions } from './pairs';
import { trackingDataSchema } from './schema';

const data = (extra: Record<string, unknown> = {}) =>
  trackingDataSchema.parse({ sequences: ['vot15_bag', 'otb_crossing', 'otb_human3'], test: 'otb_human3', stills: ['Set5'], head: 'siamrpn', batch: 4, exemplar: 63, search: 127, stride: 4, ...extra });

describe('training pairs and targets', () => {
  it('packs search and exemplar crops, is deterministic per seed, and every pair has positive anchors', () => {
    const a = new PairSampler(data(), new Rng(5)).next();
    const b = new PairSampler(data(), new Rng(5)).next();
    const c = new PairSampler(data(), new Rng(6)).next();
    expect(a.input.shape).toEqual([4, 127, 127, 6]);
    expect(a.target.shape).toEqual([4, 17, 17, 25]);
    expect(a.input.sub(b.input).abs().max().dataSync()[0]).toBe(0);
    expect(a.input.sub(c.input).abs().max().dataSync()[0]).toBeGreaterThan(0.1);
    // The exemplar channels are zero outside the top-left 63 x 63 square; values in [0, 1].
    expect(a.input.slice([0, 63, 0, 3], [4, 64, 127, 3]).abs().max().dataSync()[0]).toBe(0);
    expect(a.input.min().dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(a.input.max().dataSync()[0]).toBeLessThanOrEqual(1);
    const labels = a.target.reshape([4, 17 * 17 * 5, 5]).slice([0, 0, 0], [4, 17 * 17 * 5, 1]).reshape([4, -1]).arraySync() as number[][];
    for (const l of labels) {
      const pos = l.filter((v) => v === 1).length;
      expect(pos).toBeGreaterThan(0);
      expect(pos).toBeLessThanOrEqual(16);
      expect(l.filter((v) => v === 0).length).toBeLessThanOrEqual(48);
    }
    tf.dispose([a.input, a.target, b.input, b.target, c.input, c.target]);
  });

  it('never trains on the held-out sequence', () => {
    const sampler = new PairSampler(data({ stills: [] }), new Rng(1));
    expect((sampler as unknown as { train: { name: string }[] }).train.map((s) => s.name).sort()).toEqual(['otb_crossing', 'vot15_bag']);
  });

  it('an anchor-shaped target at the centre: that anchor positive with zero deltas; SiamFC labels a disc of radius 2 cells', () => {
    const o = targetOptions(data());
    const anchors = makeAnchors(4, [0.33, 0.5, 1, 2, 3], [8]);
    const k = 2; // ratio 1
    const t = buildTarget({ dx: 0, dy: 0, w: anchors[k].w, h: anchors[k].h }, o, new Rng(0));
    const at = (8 * 17 + 8) * 25 + 5 * k;
    expect(Array.from(t.slice(at, at + 5))).toEqual([1, 0, 0, 0, 0]);
    const fc = buildTarget({ dx: 4, dy: 0, w: 30, h: 30 }, targetOptions(data({ head: 'siamfc' })), new Rng(0));
    const pos: [number, number][] = [];
    for (let i = 0; i < 17; i++) for (let j = 0; j < 17; j++) if (fc[(i * 17 + j) * 5] === 1) pos.push([i - 8, j - 8]);
    // Centre one cell right of the middle: cells within 2 cells of (0, 1).
    expect(pos.every(([di, dj]) => Math.hypot(di, dj - 1) <= 2)).toBe(true);
    expect(pos).toHaveLength(13);
  });

  it('names the field of a bad fold', () => {
    const r = trackingDataSchema.safeParse({ sequences: ['vot15_bag'], test: 'otb_crossing', head: 'siamrpn', batch: 2 });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/is not one of sequences/);
  });
});
