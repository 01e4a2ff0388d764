// The degradation target of a training patch: the parameters its sampler drew, each mapped
// linearly to [0, 1] by the range it was drawn from (a regression target, e.g. DCS-RISR's
// degradation-prediction network). Which values, in which order (kdlab's choice; DCS-RISR's
// abstract does not list its vector):
//   classic iso   [σ, noise]
//   classic aniso [λ1, λ2, θ/π, noise]         (noise / noiseMax; 0 when noiseMax is 0)
//   realesrgan    [k1 σx, k1 σy, resize1, noise1, jpeg1, k2 σx·blur2, k2 σy·blur2, resize2, noise2, jpeg2, final sinc]
// Real-ESRGAN: a sinc kernel counts as σ 0 (its cutoff is not a width); noise is the Gaussian σ
// over its range or the Poisson scale over its range (the two kinds share one slot); the second
// kernel counts only when the second blur ran; final sinc is 0/1.
import type { ClassicDegradation, RealKernelDraw, SecondOrderOptions, SecondOrderTrace } from '@kdlab/data';
import type { TrainDegradation } from './schema';

const unit = (v: number, [lo, hi]: readonly [number, number]) => (hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0);

export function degradationVectorLength(d: TrainDegradation): number {
  if (d.pipeline === 'realesrgan') return 11;
  return d.blur === 'iso' ? 2 : 4;
}

export function classicVector(deg: ClassicDegradation, d: TrainDegradation): number[] {
  const noise = d.noiseMax > 0 ? deg.noise / d.noiseMax : 0;
  const b = deg.blur!;
  if (b.type === 'iso') return [unit(b.sigma, d.sigma), noise];
  return [unit(b.lambda1, d.lambda), unit(b.lambda2, d.lambda), b.thetaDeg / 180, noise];
}

export function secondOrderVector(t: SecondOrderTrace, o: SecondOrderOptions): number[] {
  const sigmas = (k: RealKernelDraw | undefined, range: [number, number], on = true) => (k && !k.sinc && on ? [unit(k.sx, range), unit(k.sy, range)] : [0, 0]);
  const noise = (n: { gaussian: boolean; level: number } | undefined, s: SecondOrderOptions['first']) => (n ? unit(n.level, n.gaussian ? s.noiseRange : s.poissonScaleRange) : 0);
  const resize = (f: number | undefined, s: SecondOrderOptions['first']) => unit(f ?? 1, s.resizeRange);
  return [
    ...sigmas(t.kernel1, o.first.blurSigma), resize(t.resize1, o.first), noise(t.noise1, o.first), unit(t.jpeg1 ?? 0, o.first.jpegRange),
    ...sigmas(t.kernel2, o.second.blurSigma, t.blur2), resize(t.resize2, o.second), noise(t.noise2, o.second), unit(t.jpeg2 ?? 0, o.second.jpegRange),
    t.finalSinc ? 1 : 0,
  ];
}
