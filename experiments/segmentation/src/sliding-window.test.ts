// Sliding-window inference covers every pixel, and for a model whose output at a
// pixel depends only on that pixel, reproduces the whole-image prediction exactly.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { slidingWindow, tileStarts } from './sliding-window';

/** Logits [x0 - x1, x2] per pixel: a pointwise "model". */
const pointwise = (t: Tensor) => tf.tidy(() => tf.concat([t.slice([0, 0, 0, 0], [-1, -1, -1, 1]).sub(t.slice([0, 0, 0, 1], [-1, -1, -1, 1])), t.slice([0, 0, 0, 2], [-1, -1, -1, 1])], -1));

describe('tileStarts', () => {
  it.each([[100, 32, 8], [96, 32, 8], [33, 32, 0], [32, 32, 16], [20, 32, 8], [261, 128, 32]])('length %d, tile %d, overlap %d: covers [0, length), steps <= tile - overlap, last tile flush', (length, tile, overlap) => {
    const s = tileStarts(length, tile, overlap);
    expect(s[0]).toBe(0);
    expect(s[s.length - 1]).toBe(Math.max(0, length - tile));
    for (let i = 1; i < s.length; i++) {
      expect(s[i] - s[i - 1]).toBeGreaterThan(0);
      expect(s[i] - s[i - 1]).toBeLessThanOrEqual(tile - overlap);
    }
    const covered = new Uint8Array(length);
    for (const a of s) for (let p = a; p < Math.min(length, a + tile); p++) covered[p] = 1;
    expect(covered.every((v) => v === 1)).toBe(true);
  });

  it('refuses an overlap as large as the tile', () => {
    expect(() => tileStarts(100, 32, 32)).toThrow(/overlap 32 must be smaller than the tile 32/);
  });
});

describe('slidingWindow', () => {
  it.each([[70, 90], [24, 40], [64, 64], [131, 77]])('%dx%d image, 32-px tiles with 8 overlap: every pixel predicted, equal to the whole-image softmax', (h, w) => {
    const x = tf.randomNormal([h, w, 3], 0, 1, 'float32', 7);
    const { probs, classes, coverage } = slidingWindow(x.dataSync() as Float32Array, h, w, 3, pointwise, { tile: 32, overlap: 8, batch: 3 });
    expect(classes).toBe(2);
    expect(coverage.length).toBe(h * w);
    expect(Math.min(...coverage)).toBeGreaterThanOrEqual(1);
    // Overlap really happens where tiles meet (larger images).
    if (h > 32 && w > 32) expect(Math.max(...coverage)).toBeGreaterThan(1);
    const whole = tf.softmax(pointwise(x.expandDims(0))).squeeze([0]);
    const diff = tf.tensor3d(probs, [h, w, 2]).sub(whole).abs().max().dataSync()[0];
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([x, whole]);
  });

  it('names the shapes when the model does not keep the tile size', () => {
    const x = new Float32Array(40 * 40 * 3);
    expect(() => slidingWindow(x, 40, 40, 3, (t) => t.slice([0, 0, 0, 0], [-1, 16, 16, -1]), { tile: 32, overlap: 8, batch: 2 })).toThrow(/maps tiles \[2,32,32,3\] to \[2,16,16,3\]/);
  });
});
