import { tf } from '@kdlab/engine';
import type { LayersModel, Tensor, Tensor4D } from '@kdlab/engine';
import { buildBackbone } from '../../backbone';
import { countFlops, countParams } from '../../count';
import '../../index';
import { countFlopsAtSplit, hasDynamicSplit } from './dcs-risr';
import { lowFrequencyMask, octaveConv, octaveMacs } from './octave-conv';

const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().dataSync()[0];
const alphaOf = (n: number, a: number) => tf.fill([n, 1], a);

/** OctConv written out with separate H/L tensors and the four kernel blocks (Chen et al. 2019). */
function referenceOctConv(x: Tensor4D, kernel: Tensor4D, lowIn: number, lowOut: number): Tensor4D {
  const [n, h, w, cin] = x.shape;
  const cout = kernel.shape[3];
  const conv = (t: Tensor, ci: [number, number], co: [number, number]) => tf.conv2d(t as Tensor4D, kernel.slice([0, 0, ci[0], co[0]], [-1, -1, ci[1], co[1]]) as Tensor4D, 1, 'same');
  const xl = tf.avgPool(x.slice([0, 0, 0, 0], [n, h, w, lowIn]) as Tensor4D, 2, 2, 'valid');
  const xh = x.slice([0, 0, 0, lowIn], [n, h, w, cin - lowIn]);
  const up = (t: Tensor) => tf.image.resizeNearestNeighbor(t as Tensor4D, [h, w]);
  const hi = [lowIn, cin - lowIn] as [number, number];
  const lo = [0, lowIn] as [number, number];
  const yh = conv(xh, hi, [lowOut, cout - lowOut]).add(up(conv(xl, lo, [lowOut, cout - lowOut])));
  const yl = conv(xl, lo, [0, lowOut]).add(conv(tf.avgPool(xh as Tensor4D, 2, 2, 'valid'), hi, [0, lowOut]));
  return tf.concat([up(yl), yh], 3) as Tensor4D;
}

describe('octave conv with a learnable split', () => {
  const x = tf.randomNormal([2, 6, 8, 4], 0, 1, 'float32', 1) as Tensor4D;
  const kernel = tf.randomNormal([3, 3, 4, 4], 0, 0.3, 'float32', 2) as Tensor4D;
  afterAll(() => tf.dispose([x, kernel]));

  it('α = 0 (all high) is the plain conv path; α = 1 (all low) is conv at half resolution, upsampled', () => {
    const plain = tf.conv2d(x, kernel, 1, 'same');
    expect(maxDiff(octaveConv(x, alphaOf(2, 0), kernel), plain)).toBeLessThan(1e-5);
    const allLow = tf.image.resizeNearestNeighbor(tf.conv2d(tf.avgPool(x, 2, 2, 'same'), kernel, 1, 'same'), [6, 8]);
    expect(maxDiff(octaveConv(x, alphaOf(2, 1), kernel), allLow)).toBeLessThan(1e-5);
    expect(maxDiff(octaveConv(x, alphaOf(2, 0.5), kernel), plain)).toBeGreaterThan(0.1);
  });

  it('an integer split (αC = 2 of 4) equals OctConv with separate H/L maps and the four kernel blocks', () => {
    const got = octaveConv(x, alphaOf(2, 0.5), kernel);
    const ref = referenceOctConv(x, kernel, 2, 2);
    expect(got.shape).toEqual([2, 6, 8, 4]);
    expect(maxDiff(got, ref)).toBeLessThan(1e-5);
  });

  it('odd sizes: output keeps the input size; each image uses its own split', () => {
    const odd = tf.randomNormal([2, 5, 7, 4], 0, 1, 'float32', 3) as Tensor4D;
    const both = octaveConv(odd, tf.tensor2d([[0], [1]]), kernel);
    expect(both.shape).toEqual([2, 5, 7, 4]);
    expect(maxDiff(both.slice([0], [1]), tf.conv2d(odd.slice([0], [1]) as Tensor4D, kernel, 1, 'same'))).toBeLessThan(1e-5);
    expect(maxDiff(both.slice([1], [1]), octaveConv(odd.slice([1], [1]) as Tensor4D, alphaOf(1, 1), kernel))).toBeLessThan(1e-5);
  });

  it('the mask is clip(αC − c, 0, 1): one shared boundary channel', () => {
    expect(Array.from(lowFrequencyMask(tf.tensor2d([[0.375]]), 4).dataSync())).toEqual([1, 0.5, 0, 0]);
  });

  it('gradients w.r.t. α and x match central finite differences (α·C off the integers)', () => {
    const r = tf.randomNormal([2, 6, 8, 4], 0, 1, 'float32', 4);
    const f = (xx: Tensor, a: Tensor) => octaveConv(xx as Tensor4D, a, kernel).mul(r).sum();
    const a0 = tf.tensor2d([[0.3], [0.6]]);
    const [gx, ga] = tf.grads(f)([x, a0]);
    // f is quadratic in α between channel boundaries: central differences are exact up to float error.
    const eps = 0.01;
    for (const b of [0, 1]) {
      const bump = tf.tensor2d(b === 0 ? [[eps], [0]] : [[0], [eps]]);
      const fd = (f(x, a0.add(bump)).dataSync()[0] - f(x, a0.sub(bump)).dataSync()[0]) / (2 * eps);
      expect(Math.abs(ga.dataSync()[b] - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
    }
    expect(Math.abs(ga.dataSync()[0])).toBeGreaterThan(1e-3);
    const xv = x.arraySync() as number[][][][];
    for (const [n, i, j, c] of [[0, 2, 3, 1], [1, 5, 0, 3], [0, 0, 7, 0]]) {
      const h = 1e-2;
      const shifted = (d: number) => { const v = structuredClone(xv); v[n][i][j][c] += d; return tf.tensor4d(v); };
      const fd = (f(shifted(h), a0).dataSync()[0] - f(shifted(-h), a0).dataSync()[0]) / (2 * h);
      expect(Math.abs((gx.arraySync() as number[][][][])[n][i][j][c] - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
    }
  });

  it('MACs: OctConv counts (α = 0: a plain conv; α = 0.5: 7/16 of it at even sizes)', () => {
    expect(octaveMacs(8, 8, 3, 4, 4, 0)).toBe(8 * 8 * 9 * 16);
    expect(octaveMacs(8, 8, 3, 4, 4, 0.5)).toBeCloseTo(8 * 8 * 9 * 16 * 0.4375, 6);
    expect(octaveMacs(8, 8, 3, 4, 4, 1)).toBeCloseTo((8 * 8 * 9 * 16) / 4, 6);
  });
});

describe('dcs-risr backbone', () => {
  const opts = { scale: 4, channels: 8, blocks: 2, dpnChannels: 4, degradationDim: 11 };
  let dynamic: LayersModel;
  let fixed: LayersModel;
  beforeAll(() => {
    dynamic = buildBackbone({ arch: 'dcs-risr', ...opts }, 0);
    fixed = buildBackbone({ arch: 'dcs-risr', ...opts, split: 'fixed' }, 0);
  });
  afterAll(() => {
    dynamic.dispose();
    fixed.dispose();
  });

  it('x4 output, DPN and split taps, seeded', () => {
    const lr = tf.randomUniform([2, 6, 5, 3], 0, 1, 'float32', 5);
    const out = dynamic.predict(lr) as Tensor;
    expect(out.shape).toEqual([2, 24, 20, 3]);
    expect(dynamic.getLayer('dpn').outputShape).toEqual([null, 11]);
    expect(dynamic.getLayer('dcs.split').outputShape).toEqual([null, 2]);
    const again = buildBackbone({ arch: 'dcs-risr', ...opts }, 0);
    expect(maxDiff(again.predict(lr) as Tensor, out)).toBe(0);
    again.dispose();
  });

  it('fixed split: same SR net without the DPN and split layer; exact FLOPs at α = 0.5', () => {
    const dpnParams = (3 * 9 * 4 + 4) + 2 * (4 * 9 * 4 + 4) + (4 * 11 + 11) + (11 * 2 + 2);
    expect(countParams(dynamic) - countParams(fixed)).toBe(dpnParams);
    expect(hasDynamicSplit(dynamic)).toBe(true);
    expect(hasDynamicSplit(fixed)).toBe(false);
    const hw: [number, number] = [8, 8];
    const octave = 2 * 2 * octaveMacs(8, 8, 3, 8, 8, 0);
    // The fixed model counts its 4 octave convs at α 0.5; the dynamic one counts α 0 (upper bound)
    // unless given a split, and its DPN on top.
    const fixedFlops = countFlops(fixed, hw);
    expect(countFlopsAtSplit(fixed, [0, 0], hw) - fixedFlops).toBeCloseTo(2 * octave * (1 - 0.4375), 3);
    const dynamicUpper = countFlops(dynamic, hw);
    expect(countFlopsAtSplit(dynamic, [0, 0], hw)).toBe(dynamicUpper);
    expect(countFlopsAtSplit(dynamic, [0.5, 0.5], hw)).toBeCloseTo(dynamicUpper - 2 * octave * (1 - 0.4375), 3);
    // The layers keep their own count afterwards.
    expect(countFlops(dynamic, hw)).toBe(dynamicUpper);
  });
});
