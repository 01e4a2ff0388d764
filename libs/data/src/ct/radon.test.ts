import { Rng } from '@kdlab/engine';
import { dataPath } from '../root';
import { readDicomSlice } from './dicom';
import { poisson } from '../poisson';
import { bodyMask, lineIntegrals, prepareSlice, reconstructHu, simulateLowDose, type LowDoseParams } from './lowdose';
import { fbp, parallelAngles, radon } from './radon';

// Golden values: scikit-image 0.19.3's radon(circle=True), libs/data/golden/gen_ct_radon.py.
const golden = require('../../golden/ct_radon.json') as { cases: { n: number; thetaDeg: number[]; image: number[]; sinogram: number[][] }[] };

describe('radon (parallel-beam projector)', () => {
  it.each(golden.cases.map((c) => [c.n, c] as const))('agrees with scikit-image radon(circle=True) on the %i px phantom', (_n, c) => {
    const angles = Float64Array.from(c.thetaDeg, (d) => (d * Math.PI) / 180);
    const sino = radon(Float32Array.from(c.image), c.n, angles);
    let maxAbs = 0;
    let peak = 0;
    c.sinogram.forEach((row, v) => row.forEach((ref, j) => {
      maxAbs = Math.max(maxAbs, Math.abs(sino.data[v * c.n + j] - ref));
      peak = Math.max(peak, Math.abs(ref));
    }));
    // Stated tolerance: 1e-5 of the sinogram's peak (float32 accumulation against float64).
    expect(peak).toBeGreaterThan(0.1);
    expect(maxAbs / peak).toBeLessThan(1e-5);
  });
});

/** PSNR over the CT number range [-1024, 3072] (data range 4096 HU) inside a mask. */
function psnrInMask(a: Float32Array, b: Float32Array, mask: Uint8Array): { psnr: number; rmse: number } {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (mask[i]) (se += (a[i] - b[i]) ** 2, n++);
  const rmse = Math.sqrt(se / n);
  return { psnr: 20 * Math.log10(4096 / rmse), rmse };
}

describe('filtered back-projection', () => {
  // The quick profile's geometry: 512-px slices average-pooled to 256 px, 512 views over [0, π).
  it.each([
    ['popi-itkelastix/slice070.dcm', 'ramp'],
    ['covid19-ny-sbu/A027284/axial/19000925-116.dcm', 'ramp'],
  ] as const)('reproduces the NDCT slice %s from its noiseless sinogram (%s): PSNR >= 40 dB in the body', (file, filter) => {
    const s = readDicomSlice(dataPath(`ct/${file}`));
    const { hu, n, pixelMm } = prepareSlice(s.hu, s.rows, s.columns, s.pixelSpacing[0], 2);
    const { p, angles } = lineIntegrals(hu, n, pixelMm, 512, 0.0192);
    const rec = reconstructHu(p, angles, n, pixelMm, filter, 0.0192);
    const mask = bodyMask(hu, n);
    const { psnr, rmse } = psnrInMask(rec, hu, mask);
    expect(mask.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.2 * n * n);
    expect(psnr).toBeGreaterThanOrEqual(40);
    expect(rmse).toBeLessThan(40);
  });

  it('both filters recover a disk; the Shepp-Logan filter passes less noise than the ramp', () => {
    const n = 96;
    const c = n / 2;
    const disk = new Float32Array(n * n);
    for (let r = 0; r < n; r++) for (let col = 0; col < n; col++) if ((r - c) ** 2 + (col - c) ** 2 < 30 ** 2) disk[r * n + col] = 1;
    const sino = radon(disk, n, parallelAngles(180));
    expect(fbp(sino, 'ramp')[c * n + c]).toBeCloseTo(1, 1);
    expect(fbp(sino, 'shepp-logan')[c * n + c]).toBeCloseTo(1, 1);
    // The same white noise on the sinogram: Shepp-Logan's sinc window damps the highest frequencies.
    const rng = new Rng(5);
    const noise = { ...sino, data: Float32Array.from(sino.data, () => rng.normal()) };
    const std = (img: Float32Array) => Math.sqrt(img.reduce((a, v) => a + v * v, 0) / img.length);
    expect(std(fbp(noise, 'shepp-logan'))).toBeLessThan(0.95 * std(fbp(noise, 'ramp')));
  });
});

describe('low-dose simulation', () => {
  it('draws Poisson counts with the right mean and variance (small and large λ)', () => {
    const rng = new Rng(7);
    for (const lambda of [0.7, 4, 25, 3000]) {
      const k = 20000;
      let sum = 0;
      let sum2 = 0;
      for (let i = 0; i < k; i++) {
        const x = poisson(rng, lambda);
        expect(Number.isInteger(x)).toBe(true);
        sum += x;
        sum2 += x * x;
      }
      const mean = sum / k;
      const variance = sum2 / k - mean * mean;
      // 5 standard errors of the mean; variance within 5 %.
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / k));
      expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.05);
    }
  });

  it('noise standard deviation in a uniform water region scales as 1/sqrt(dose) within 10 %', () => {
    // A 200 mm water cylinder on a 128 px grid (1.8 mm pixels); no electronic noise, so quantum noise alone.
    const n = 128;
    const c = n / 2;
    const pixelMm = 1.8;
    const water = new Float32Array(n * n).fill(-1000);
    for (let r = 0; r < n; r++) for (let col = 0; col < n; col++) if ((r - c) ** 2 + (col - c) ** 2 < 55 ** 2) water[r * n + col] = 0;
    const base: LowDoseParams = { i0: 1e5, dose: 1, electronicNoise: 0, views: 256, filter: 'ramp', muWater: 0.0192, countFloor: 1, seed: 3 };
    const { p, angles } = lineIntegrals(water, n, pixelMm, base.views, base.muWater);
    const clean = reconstructHu(p, angles, n, pixelMm, 'ramp', base.muWater);
    const stdAt = (dose: number) => {
      const noisy = simulateLowDose(water, n, pixelMm, { ...base, dose, seed: Math.round(dose * 1000) });
      let s = 0;
      let s2 = 0;
      let k = 0;
      for (let r = 0; r < n; r++) for (let col = 0; col < n; col++) {
        if ((r - c) ** 2 + (col - c) ** 2 >= 40 ** 2) continue; // central uniform region
        const d = noisy[r * n + col] - clean[r * n + col];
        s += d;
        s2 += d * d;
        k++;
      }
      return Math.sqrt(s2 / k - (s / k) ** 2);
    };
    const full = stdAt(1);
    expect(full).toBeGreaterThan(1);
    for (const dose of [0.5, 0.25, 0.1]) {
      const ratio = stdAt(dose) / full;
      expect(Math.abs(ratio * Math.sqrt(dose) - 1)).toBeLessThan(0.1);
    }
  });

  it('is deterministic for a seed and refuses an invalid dose', () => {
    const n = 32;
    const img = new Float32Array(n * n).fill(-1000);
    for (let i = 300; i < 700; i++) img[i] = 40;
    const params: LowDoseParams = { i0: 1e4, dose: 0.25, electronicNoise: 3, views: 48, filter: 'shepp-logan', muWater: 0.0192, countFloor: 1, seed: 11 };
    const a = simulateLowDose(img, n, 2, params);
    const b = simulateLowDose(img, n, 2, params);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const other = simulateLowDose(img, n, 2, { ...params, seed: 12 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(other.buffer))).toBe(false);
    expect(() => simulateLowDose(img, n, 2, { ...params, dose: 0 })).toThrow(/dose fraction must be in \(0, 1\], got 0/);
  });
});
