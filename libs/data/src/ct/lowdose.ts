// Physical low-dose CT simulation from a normal-dose slice (the only way to get paired LDCT here):
//   HU -> linear attenuation μ = μ_water (1 + HU / 1000)          (μ ≥ 0; air and below -> 0)
//   line integrals p = radon(μ) · pixel size                        (parallel beam, ./radon.ts)
//   photon counts N ~ Poisson(d · I0 · exp(-p)) + N(0, σ_e²)         (d: dose fraction, I0: normal-dose
//                                                                     incident photons per ray, σ_e: electronic noise)
//   p̂ = -ln(max(N, floor) / (d · I0)),  FBP (ramp or Shepp-Logan)  -> μ̂ -> HU
// The real NDCT slice is treated as noise-free (its own noise stays in both images of a pair), so the
// simulated LDCT carries the quantum noise of the reduced dose d · I0 on top of the NDCT's.
import { Rng } from '@kdlab/engine';
import { poisson } from '../poisson';
import { fbp, parallelAngles, radon, type FbpFilter } from './radon';

export interface LowDoseParams {
  /** Incident photons per ray at normal dose (dose fraction 1). */
  i0: number;
  /** Dose fraction d in (0, 1]: the incident flux is d · I0. */
  dose: number;
  /** Standard deviation of additive Gaussian electronic noise, in photon counts (0: none). */
  electronicNoise: number;
  /** Parallel-beam views over [0, π). */
  views: number;
  filter: FbpFilter;
  /** Linear attenuation of water in 1/mm at the effective energy. */
  muWater: number;
  /** Counts are clamped to at least this before the log (a ray with no photons has no finite line integral). */
  countFloor: number;
  seed: number;
}

export const HU_AIR = -1000;

/** μ (1/mm) from HU, clamped at 0 (nothing attenuates less than vacuum). */
export function huToMu(hu: Float32Array, muWater: number): Float32Array {
  const mu = new Float32Array(hu.length);
  for (let i = 0; i < hu.length; i++) mu[i] = Math.max(0, muWater * (1 + hu[i] / 1000));
  return mu;
}

export function muToHu(mu: Float32Array, muWater: number): Float32Array {
  const hu = new Float32Array(mu.length);
  for (let i = 0; i < mu.length; i++) hu[i] = 1000 * (mu[i] / muWater - 1);
  return hu;
}


/** Noisy line integrals at dose d: the transmitted counts of each ray, then -log(N / (d I0)). */
export function noisyLineIntegrals(p: Float32Array, params: Pick<LowDoseParams, 'i0' | 'dose' | 'electronicNoise' | 'countFloor' | 'seed'>): Float32Array {
  const { i0, dose, electronicNoise, countFloor, seed } = params;
  if (!(dose > 0 && dose <= 1)) throw new Error(`dose fraction must be in (0, 1], got ${dose}`);
  if (!(i0 > 0)) throw new Error(`i0 must be positive, got ${i0}`);
  if (!(countFloor > 0)) throw new Error(`countFloor must be positive, got ${countFloor}`);
  const rng = new Rng(seed);
  const flux = dose * i0;
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) {
    let counts = poisson(rng, flux * Math.exp(-p[i]));
    if (electronicNoise > 0) counts += electronicNoise * rng.normal();
    out[i] = -Math.log(Math.max(counts, countFloor) / flux);
  }
  return out;
}

/** Line integrals of an HU slice (μ · pixel size along each ray). */
export function lineIntegrals(hu: Float32Array, n: number, pixelMm: number, views: number, muWater: number): { p: Float32Array; angles: Float64Array } {
  const mu = huToMu(hu, muWater);
  const sino = radon(mu, n, parallelAngles(views));
  for (let i = 0; i < sino.data.length; i++) sino.data[i] *= pixelMm;
  return { p: sino.data, angles: sino.angles };
}

/** FBP of line integrals (per mm of pixel) back to HU. */
export function reconstructHu(p: Float32Array, angles: Float64Array, n: number, pixelMm: number, filter: FbpFilter, muWater: number): Float32Array {
  const perPixel = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) perPixel[i] = p[i] / pixelMm;
  const mu = fbp({ data: perPixel, views: angles.length, bins: n, angles }, filter);
  const hu = muToHu(mu, muWater);
  // Outside the field of view FBP gives 0 attenuation: air.
  const c = Math.floor(n / 2);
  for (let r = 0; r < n; r++) for (let col = 0; col < n; col++) if ((r - c) ** 2 + (col - c) ** 2 > (n / 2) ** 2) hu[r * n + col] = HU_AIR;
  return hu;
}

/** The simulated LDCT slice (HU) of an n x n NDCT slice (HU) with square pixels of `pixelMm`. */
export function simulateLowDose(hu: Float32Array, n: number, pixelMm: number, params: LowDoseParams): Float32Array {
  const { p, angles } = lineIntegrals(hu, n, pixelMm, params.views, params.muWater);
  const noisy = noisyLineIntegrals(p, params);
  return reconstructHu(noisy, angles, n, pixelMm, params.filter, params.muWater);
}

/**
 * An NDCT slice made ready for simulation: HU clipped to [-1000, 3071] (μ = 0 at -1000 HU: nothing attenuates less than air; the padding of -3024 some
 * scanners write outside the reconstruction circle becomes air), average-pooled by `factor`
 * (pixel size x factor), and set to air outside the inscribed circle (the parallel-beam field of view).
 */
export function prepareSlice(hu: Float32Array, rows: number, columns: number, pixelMm: number, factor: number): { hu: Float32Array; n: number; pixelMm: number } {
  if (rows !== columns) throw new Error(`prepareSlice: square slices only, got ${rows}x${columns}`);
  if (!Number.isInteger(factor) || factor < 1 || rows % factor !== 0) throw new Error(`prepareSlice: downsampling factor ${factor} must divide ${rows}`);
  const n = rows / factor;
  const out = new Float32Array(n * n);
  const c = Math.floor(n / 2);
  for (let r = 0; r < n; r++) {
    for (let col = 0; col < n; col++) {
      if ((r - c) ** 2 + (col - c) ** 2 > (n / 2) ** 2) {
        out[r * n + col] = HU_AIR;
        continue;
      }
      let sum = 0;
      for (let dr = 0; dr < factor; dr++) for (let dc = 0; dc < factor; dc++) sum += Math.min(3071, Math.max(HU_AIR, hu[(r * factor + dr) * columns + col * factor + dc]));
      out[r * n + col] = sum / (factor * factor);
    }
  }
  return { hu: out, n, pixelMm: pixelMm * factor };
}

/**
 * The body: pixels above -500 HU, with the holes inside it (lungs, airways) filled by taking, per
 * row and per column, everything between the first and the last such pixel, and keeping pixels
 * that both passes mark.
 */
export function bodyMask(hu: Float32Array, n: number, thresholdHu = -500): Uint8Array {
  const rowSpan = new Uint8Array(n * n);
  const colSpan = new Uint8Array(n * n);
  for (let r = 0; r < n; r++) {
    let first = -1;
    let last = -1;
    for (let c = 0; c < n; c++) if (hu[r * n + c] > thresholdHu) (first < 0 && (first = c), (last = c));
    for (let c = first; first >= 0 && c <= last; c++) rowSpan[r * n + c] = 1;
  }
  for (let c = 0; c < n; c++) {
    let first = -1;
    let last = -1;
    for (let r = 0; r < n; r++) if (hu[r * n + c] > thresholdHu) (first < 0 && (first = r), (last = r));
    for (let r = first; first >= 0 && r <= last; r++) colSpan[r * n + c] = 1;
  }
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n * n; i++) mask[i] = rowSpan[i] & colSpan[i];
  return mask;
}
