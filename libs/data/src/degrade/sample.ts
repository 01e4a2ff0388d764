// Random classic degradations for training, drawn from the seeded Rng with the ranges of the
// released KDSR/DASR training (utils/util.py random_*_gaussian_kernel, SRMDPreprocessing with
// random=True): σ ~ U[0.2, 4]; θ ~ U[0, π), λ1, λ2 ~ U[0.2, 4] independently (in that order);
// noise level ~ U[0, noiseMax) per image (noiseMax 25 in the anisotropic+noise training, 0 for iso).
import type { Rng } from '@kdlab/engine';
import type { ClassicDegradation } from './classic';

export interface DegradationRanges {
  blur: 'iso' | 'aniso';
  scale: number;
  kernelSize?: number;
  sigma?: [number, number];
  lambda?: [number, number];
  noiseMax?: number;
}

function uniform(rng: Rng, [lo, hi]: [number, number]): number {
  return lo + (hi - lo) * rng.next();
}

export function sampleClassicDegradation(rng: Rng, r: DegradationRanges): ClassicDegradation {
  const kernelSize = r.kernelSize ?? 21;
  const noiseMax = r.noiseMax ?? 0;
  if (r.blur === 'iso') {
    const sigma = uniform(rng, r.sigma ?? [0.2, 4]);
    return { scale: r.scale, kernelSize, blur: { type: 'iso', sigma }, noise: noiseMax > 0 ? noiseMax * rng.next() : 0 };
  }
  const thetaDeg = 180 * rng.next();
  const lambda = r.lambda ?? [0.2, 4];
  const lambda1 = uniform(rng, lambda);
  const lambda2 = uniform(rng, lambda);
  return { scale: r.scale, kernelSize, blur: { type: 'aniso', lambda1, lambda2, thetaDeg }, noise: noiseMax > 0 ? noiseMax * rng.next() : 0 };
}
