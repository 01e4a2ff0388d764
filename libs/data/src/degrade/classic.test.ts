// Golden values: libs/data/golden/degrade_golden.json, written by `kdsr_degrade.py golden`, an
// independent numpy re-implementation of the DASR/KDSR degradation (kernels, reflect blur, bicubic).
import { Rng } from '@kdlab/engine';
import { readImage } from '../codec';
import type { Image } from '../image';
import { imresizeBicubic } from '../imresize';
import { modcrop } from '../modcrop';
import { dataPath } from '../root';
import { blurReflect } from './blur';
import { checkClassicDegradation, degradeClassic, type BlurSpec } from './classic';
import { quantizeToUint8, toFloatImage } from './float-image';
import { anisotropicGaussianKernel, isotropicGaussianKernel } from './kernels';
import { imresizeBicubicFloat } from './resize-float';

type Spec = ['iso', number, number] | ['aniso', number, number, number, number];
const golden = require('../../golden/degrade_golden.json') as {
  kernels: { spec: Spec; weights: number[] }[];
  input: { height: number; width: number; channels: 3; hex: string };
  synthetic: { spec: Spec; scale: number; hr: [number, number]; blurred: number[] | null; lr_float: number[]; lr_shape: number[]; lr_uint8_hex: string }[];
};

const kernelOf = (s: Spec) => (s[0] === 'iso' ? isotropicGaussianKernel(s[1], s[2]) : anisotropicGaussianKernel(s[1], s[2], s[3], (s[4] / 180) * Math.PI));
const blurOf = (s: Spec): BlurSpec => (s[0] === 'iso' ? { type: 'iso', sigma: s[2] } : { type: 'aniso', lambda1: s[2], lambda2: s[3], thetaDeg: s[4] });
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const input: Image = { data: Uint8Array.from(Buffer.from(golden.input.hex, 'hex')), height: golden.input.height, width: golden.input.width, channels: 3 };

describe('Gaussian kernels (DASR/KDSR definition)', () => {
  it.each(golden.kernels.map((k) => [k.spec.join(' '), k] as const))('%s matches the numpy reference and sums to 1', (_, k) => {
    const kern = kernelOf(k.spec);
    expect(maxAbsDiff(kern.weights, k.weights)).toBeLessThan(1e-15);
    expect(kern.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
  });

  it('anisotropic with λ1 = λ2 = σ is the isotropic kernel, and θ turns it (90° swaps the axes)', () => {
    expect(maxAbsDiff(anisotropicGaussianKernel(21, 2.6, 2.6, 1.1).weights, isotropicGaussianKernel(21, 2.6).weights)).toBeLessThan(1e-15);
    const a = anisotropicGaussianKernel(9, 3, 1, 0).weights;
    const b = anisotropicGaussianKernel(9, 1, 3, Math.PI / 2).weights;
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-15);
    expect(a[4 * 9 + 8]).toBeGreaterThan(a[8 * 9 + 4]); // λ1 along x: wider along the row
  });
});

describe('classic degradation on a synthetic image', () => {
  it.each(golden.synthetic.map((g) => [`${g.spec.join(' ')} x${g.scale}`, g] as const))('%s: blur, float bicubic and rounding match numpy', (_, g) => {
    const hr = modcrop(input, g.scale);
    expect([hr.height, hr.width]).toEqual(g.hr);
    const blurred = blurReflect(toFloatImage(hr), kernelOf(g.spec));
    if (g.blurred) expect(maxAbsDiff(blurred.data, g.blurred)).toBeLessThan(1e-9);
    const lr = imresizeBicubicFloat(blurred, 1 / g.scale);
    expect([lr.height, lr.width, lr.channels]).toEqual(g.lr_shape);
    expect(maxAbsDiff(lr.data, g.lr_float)).toBeLessThan(1e-9);
    const out = degradeClassic(hr, { scale: g.scale, kernelSize: g.spec[1], blur: blurOf(g.spec), noise: 0 });
    expect(Buffer.from(out.data).toString('hex')).toBe(g.lr_uint8_hex);
  });

  it('the separable isotropic blur equals the 2-D one', () => {
    const img = toFloatImage(input);
    const iso = isotropicGaussianKernel(21, 2.6);
    expect(iso.factor).toBeDefined();
    const twoD = blurReflect(img, { size: iso.size, weights: iso.weights });
    expect(maxAbsDiff(blurReflect(img, iso).data, twoD.data)).toBeLessThan(1e-10);
  });

  it('reflect padding does not repeat the edge pixel', () => {
    // A 1-row ramp 0, 10, 20, 30 blurred by [1 1 1]/3: reflect gives (10+0+10)/3 at the left end (edge-repeat would give 10/3).
    const img = { data: Float64Array.from([0, 10, 20, 30]), height: 1, width: 4, channels: 1 as const };
    const row = { size: 3, weights: Float64Array.from([0, 0, 0, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0]) };
    const tall = { data: Float64Array.from([0, 10, 20, 30, 0, 10, 20, 30]), height: 2, width: 4, channels: 1 as const };
    expect(Array.from(blurReflect(tall, row).data.subarray(0, 4)).map((v) => +v.toFixed(9))).toEqual([+(20 / 3).toFixed(9), 10, 20, +(70 / 3).toFixed(9)]);
    expect(() => blurReflect(img, row)).toThrow('needs an image larger than 1 pixels per side');
  });

  it('rounds half to even at the end, like torch.round', () => {
    const q = quantizeToUint8({ data: Float64Array.from([0.5, 1.5, 2.5, -3, 254.6, 300, 2.4999]), height: 1, width: 7, channels: 1 });
    expect(Array.from(q.data)).toEqual([0, 2, 2, 0, 255, 255, 2]);
  });
});

describe('float vs uint8 bicubic on Set5 baby x4', () => {
  it('the float path differs from MATLAB uint8 by at most one level, on a share of the pixels', () => {
    const hr = modcrop(readImage(dataPath('sr/Set5/baby.png')), 4);
    const u8 = imresizeBicubic(hr, 1 / 4);
    const f = quantizeToUint8(imresizeBicubicFloat(toFloatImage(hr), 1 / 4));
    let differ = 0;
    for (let i = 0; i < u8.data.length; i++) {
      const d = Math.abs(u8.data[i] - f.data[i]);
      expect(d).toBeLessThanOrEqual(1);
      differ += d;
    }
    // Rounding between the passes must show: the two pipelines are not the same function.
    expect(differ / u8.data.length).toBeGreaterThan(0.01);
    console.log(`float vs uint8 bicubic, baby x4: ${((100 * differ) / u8.data.length).toFixed(1)} % of values differ by one level`);
  });
});

describe('noise and errors', () => {
  const flat: Image = { data: new Uint8Array(96 * 96 * 3).fill(128), height: 96, width: 96, channels: 3 };

  it('adds zero-mean Gaussian noise of the given level, reproducibly from the seed', () => {
    const d = { scale: 2, kernelSize: 5, blur: { type: 'iso', sigma: 1 } as BlurSpec, noise: 10 };
    const a = degradeClassic(flat, d, new Rng(7));
    const n = a.data.length; // 48 * 48 * 3 = 6912 values
    const mean = a.data.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(a.data.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    // Rounding adds 1/12 to the variance: sqrt(100 + 1/12) = 10.004.
    expect(Math.abs(mean - 128)).toBeLessThan((4 * 10) / Math.sqrt(n));
    expect(Math.abs(sd - 10.004)).toBeLessThan(4 * 10 / Math.sqrt(2 * n));
    expect(degradeClassic(flat, d, new Rng(7)).data).toEqual(a.data);
    expect(degradeClassic(flat, d, new Rng(8)).data).not.toEqual(a.data);
    expect(() => degradeClassic(flat, d)).toThrow('noise > 0 needs a seeded Rng');
  });

  it('names the bad field and value', () => {
    const ok = { scale: 4, kernelSize: 21, noise: 0 };
    expect(() => checkClassicDegradation({ ...ok, blur: { type: 'iso', sigma: -1 } })).toThrow('sigma must be a positive number, got -1');
    expect(() => checkClassicDegradation({ ...ok, kernelSize: 20 })).toThrow('kernel size must be an odd positive integer, got 20');
    expect(() => checkClassicDegradation({ ...ok, blur: { type: 'box' } as unknown as BlurSpec })).toThrow('blur type must be one of iso, aniso, got "box"');
    expect(() => checkClassicDegradation({ ...ok, blur: { type: 'aniso', lambda1: 0, lambda2: 1, thetaDeg: 0 } })).toThrow('lambda1 must be a positive number, got 0');
    expect(() => checkClassicDegradation({ ...ok, noise: -2 })).toThrow('noise must be a number >= 0, got -2');
    expect(() => checkClassicDegradation({ ...ok, jpeg: 0 })).toThrow('jpeg quality must be an integer in [1, 100], got 0');
    expect(() => degradeClassic(flat, { ...ok, scale: 5 })).toThrow('HR 96x96 is not a multiple of the scale 5');
  });

  it('JPEG goes through a real codec: the output changes and stays close', () => {
    const hr = modcrop(readImage(dataPath('sr/Set5/head.png')), 4);
    const base = { scale: 4, kernelSize: 21, blur: { type: 'iso', sigma: 2 } as BlurSpec, noise: 0 };
    const plain = degradeClassic(hr, base);
    const jpeg = degradeClassic(hr, { ...base, jpeg: 30 });
    let sq = 0;
    for (let i = 0; i < plain.data.length; i++) sq += (plain.data[i] - jpeg.data[i]) ** 2;
    const psnr = 10 * Math.log10((255 * 255) / (sq / plain.data.length));
    expect(psnr).toBeGreaterThan(25);
    expect(psnr).toBeLessThan(60);
  });
});
