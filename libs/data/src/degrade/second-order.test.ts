// Golden values: libs/data/golden/realesrgan_golden.json from gen_realesrgan_golden.py (numpy kernels
// from basicsr's formulas, scipy.special.j1, and torch.nn.functional.interpolate itself).
import { Rng } from '@kdlab/engine';
import { readImage } from '../codec';
import { modcrop } from '../modcrop';
import { dataPath } from '../root';
import type { FloatImage } from './float-image';
import { interpolate, type InterpolationMode } from './interpolate';
import { besselJ1, generalizedGaussianKernel, plateauKernel, sincKernel } from './kernels-real';
import { poisson } from '../poisson';
import { degradeSecondOrder, REALESRGAN_X4_OPTIONS, sampleRealKernel } from './second-order';

const golden = require('../../golden/realesrgan_golden.json') as {
  kernels: { kind: 'generalized' | 'plateau' | 'sinc'; args: number[]; weights: number[] }[];
  j1: [number, number][];
  image: { height: number; width: number; values: number[] };
  interpolate: { mode: InterpolationMode; scale: number | null; size: [number, number]; values: number[] }[];
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('Real-ESRGAN kernels', () => {
  it('J1 from Bessel\'s integral matches scipy.special.j1', () => {
    for (const [x, want] of golden.j1) expect(Math.abs(besselJ1(x) - want)).toBeLessThan(1e-13);
  });

  it.each(golden.kernels.map((k) => [`${k.kind} ${k.args.map((v) => +v.toFixed(3)).join(' ')}`, k] as const))('%s matches the reference', (_, k) => {
    const [a, b, c, d, e] = k.args;
    const kern = k.kind === 'generalized' ? generalizedGaussianKernel(a, b, c, d, e)
      : k.kind === 'plateau' ? plateauKernel(a, b, c, d, e) : sincKernel(a, b, c);
    expect(maxAbsDiff(kern.weights, k.weights)).toBeLessThan(1e-12);
  });

  it('samples every kernel padded to 21 x 21 and normalised, reproducibly', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 40; i++) {
      const k = sampleRealKernel(rng, REALESRGAN_X4_OPTIONS.first);
      expect(k.size).toBe(21);
      expect(k.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    }
    expect(sampleRealKernel(new Rng(2), REALESRGAN_X4_OPTIONS.second).weights).toEqual(sampleRealKernel(new Rng(2), REALESRGAN_X4_OPTIONS.second).weights);
  });
});

describe('interpolate (torch F.interpolate, align_corners=False)', () => {
  const img: FloatImage = { data: Float64Array.from(golden.image.values), height: golden.image.height, width: golden.image.width, channels: 3 };
  it.each(golden.interpolate.map((g) => [`${g.mode} ${g.scale ?? `to ${g.size.join('x')}`}`, g] as const))('%s matches torch', (_, g) => {
    const out = g.scale === null ? interpolate(img, g.size[0], g.size[1], g.mode)
      : interpolate(img, Math.floor(img.height * g.scale), Math.floor(img.width * g.scale), g.mode, g.scale);
    expect([out.height, out.width]).toEqual(g.size);
    expect(maxAbsDiff(out.data, g.values)).toBeLessThan(1e-9);
  });
});

describe('Poisson sampler', () => {
  it.each([[0.7], [6], [37.5], [250]])('λ = %p: mean and variance equal λ within 4 standard errors', (lambda) => {
    const rng = new Rng(17);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    let invalid = 0;
    for (let i = 0; i < n; i++) {
      const k = poisson(rng, lambda);
      if (!(Number.isInteger(k) && k >= 0)) invalid++;
      s += k;
      s2 += k * k;
    }
    expect(invalid).toBe(0);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
    // var of the sample variance ≈ (μ4 - σ⁴)/n = (λ + 2λ²)/n for a Poisson.
    expect(Math.abs(variance - lambda)).toBeLessThan(4 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
  });
});

describe('degradeSecondOrder', () => {
  const hr = modcrop(readImage(dataPath('sr/Set5/head.png')), 4);
  it('gives an LR of HR/4, the same for the same seed and different for another', () => {
    const a = degradeSecondOrder(hr, new Rng(1));
    expect([a.height, a.width, a.channels]).toEqual([hr.height / 4, hr.width / 4, 3]);
    expect(degradeSecondOrder(hr, new Rng(1)).data).toEqual(a.data);
    expect(degradeSecondOrder(hr, new Rng(2)).data).not.toEqual(a.data);
  });

  it('reads a grey HR as three equal channels', () => {
    const grey = { data: new Uint8Array(48 * 40).map((_, i) => (i * 7) % 256), height: 48, width: 40, channels: 1 as const };
    const lr = degradeSecondOrder(grey, new Rng(3));
    expect([lr.height, lr.width, lr.channels]).toEqual([12, 10, 3]);
  });

  it('rejects an HR that is not a multiple of the scale', () => {
    expect(() => degradeSecondOrder({ ...hr, height: 7, width: 8, data: new Uint8Array(7 * 8 * 3) }, new Rng(1))).toThrow('HR 7x8 is not a multiple of the scale 4');
  });
});
