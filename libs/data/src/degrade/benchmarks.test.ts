import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '@kdlab/engine';
import { readImage } from '../codec';
import { modcrop } from '../modcrop';
import { dataPath } from '../root';
import { degradeClassic } from './classic';
import {
  benchmarkDigest, degradationCacheKey, GAUSSIAN8_X4, REALESRGAN_X4, imageSeed, KDSR_ANISO_NOISE10_X4, loadDegradedPairs, pixelSha256,
} from './benchmarks';
import { sampleClassicDegradation } from './sample';

describe('benchmark settings', () => {
  it('Gaussian8 is x4, kernel 21, σ = 1.8, 2.0, …, 3.2 without noise; the KDSR setting is λ 3.5/1.5, θ 30°, noise 10', () => {
    expect(GAUSSIAN8_X4.degradations.map((d) => d.degradation!.blur)).toEqual(
      [1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2].map((sigma) => ({ type: 'iso', sigma })));
    expect(GAUSSIAN8_X4.degradations.every((d) => d.degradation!.scale === 4 && d.degradation!.kernelSize === 21 && d.degradation!.noise === 0)).toBe(true);
    expect(KDSR_ANISO_NOISE10_X4.degradations).toEqual([{ label: 'l3.5-1.5-t30-n10',
      degradation: { scale: 4, kernelSize: 21, blur: { type: 'aniso', lambda1: 3.5, lambda2: 1.5, thetaDeg: 30 }, noise: 10 } }]);
  });

  it('the cache key changes with every parameter and the seed', () => {
    const d = KDSR_ANISO_NOISE10_X4.degradations[0].degradation!;
    const keys = new Set([
      degradationCacheKey(d, 1), degradationCacheKey(d, 2), degradationCacheKey({ ...d, noise: 5 }, 1),
      degradationCacheKey({ ...d, blur: { type: 'aniso', lambda1: 3.5, lambda2: 1.5, thetaDeg: 31 } }, 1),
    ]);
    keys.add(degradationCacheKey(REALESRGAN_X4.degradations[0].secondOrder!, 1));
    expect(keys.size).toBe(5);
    expect(imageSeed(0, 'a', 'b')).toBe(imageSeed(0, 'a', 'b'));
    expect(imageSeed(0, 'a', 'b')).not.toBe(imageSeed(0, 'a', 'c'));
  });
});

describe('loadDegradedPairs (Set5, KDSR anisotropic + noise)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-blind-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const opts = { blindCacheDir: path.join(tmp, 'blind'), cacheDir: path.join(tmp, 'sr') };

  it('generates deterministically, caches with checksums, and regenerates a damaged entry', () => {
    const first = loadDegradedPairs('Set5', KDSR_ANISO_NOISE10_X4, opts);
    expect(first.map((p) => p.name)).toEqual(['baby', 'bird', 'butterfly', 'head', 'woman']);
    const baby = first[0];
    expect([baby.lr.height, baby.lr.width]).toEqual([baby.hr.height / 4, baby.hr.width / 4]);
    // Same pixels as degrading the HR directly with the per-image seed.
    const direct = degradeClassic(modcrop(readImage(dataPath('sr/Set5/baby.png')), 4), baby.degradation!,
      new Rng(imageSeed(0, KDSR_ANISO_NOISE10_X4.id, 'Set5', 'baby.png', baby.label)));
    expect(baby.seed).toBe(imageSeed(0, KDSR_ANISO_NOISE10_X4.id, 'Set5', 'baby.png', baby.label));
    expect(pixelSha256(direct)).toBe(baby.lrSha256);

    const files = fs.readdirSync(path.join(opts.blindCacheDir, 'Set5', KDSR_ANISO_NOISE10_X4.id));
    expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(5);
    expect(files.filter((f) => f.endsWith('.png.sha256'))).toHaveLength(5);

    // Damage one cached PNG: it is regenerated, not trusted, and the benchmark digest is unchanged.
    const babyFile = path.join(opts.blindCacheDir, 'Set5', KDSR_ANISO_NOISE10_X4.id, files.find((f) => f.startsWith('baby-') && f.endsWith('.png'))!);
    fs.writeFileSync(babyFile, 'not a png');
    const second = loadDegradedPairs('Set5', KDSR_ANISO_NOISE10_X4, opts);
    expect(benchmarkDigest(second)).toBe(benchmarkDigest(first));
    expect(pixelSha256(readImage(babyFile))).toBe(baby.lrSha256);
  });
});

describe('sampleClassicDegradation', () => {
  it('draws σ, λ1, λ2 in [0.2, 4], θ in [0°, 180°), noise in [0, 25), reproducibly', () => {
    const rng = new Rng(3);
    const iso = Array.from({ length: 2000 }, () => sampleClassicDegradation(rng, { blur: 'iso', scale: 4 }));
    const sigmas = iso.map((d) => (d.blur as { sigma: number }).sigma);
    expect(Math.min(...sigmas)).toBeGreaterThanOrEqual(0.2);
    expect(Math.max(...sigmas)).toBeLessThanOrEqual(4);
    expect(Math.min(...sigmas)).toBeLessThan(0.25);
    expect(Math.max(...sigmas)).toBeGreaterThan(3.95);
    expect(iso.every((d) => d.noise === 0 && d.kernelSize === 21)).toBe(true);
    const aniso = Array.from({ length: 2000 }, () => sampleClassicDegradation(rng, { blur: 'aniso', scale: 4, noiseMax: 25 }));
    const get = (k: 'lambda1' | 'lambda2' | 'thetaDeg') => aniso.map((d) => (d.blur as { lambda1: number; lambda2: number; thetaDeg: number })[k]);
    for (const [k, lo, hi] of [['lambda1', 0.2, 4], ['lambda2', 0.2, 4], ['thetaDeg', 0, 180]] as const) {
      const v = get(k);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...v)).toBeLessThan(hi);
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      expect(Math.abs(mean - (lo + hi) / 2)).toBeLessThan((4 * (hi - lo)) / Math.sqrt(12 * v.length));
    }
    const noise = aniso.map((d) => d.noise);
    expect(Math.min(...noise)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...noise)).toBeLessThan(25);
    expect(sampleClassicDegradation(new Rng(9), { blur: 'aniso', scale: 4 })).toEqual(sampleClassicDegradation(new Rng(9), { blur: 'aniso', scale: 4 }));
  });
});
