// The extra blur kernels of Real-ESRGAN's degradation (basicsr/data/degradations.py, as used by
// xinntao/Real-ESRGAN): generalised Gaussian exp(-0.5 q^β) and plateau 1 / (1 + q^β), where
// q = [x y] Σ^-1 [x y]^T with Σ = R(θ) diag(σx², σy²) R(θ)^T (isotropic: σy = σx, θ = 0), and the
// circular low-pass ("sinc") filter ωc J1(ωc r) / (2π r), centre ωc² / (4π). All normalised to sum 1.
import type { Kernel } from './kernels';
import { checkKernelSize } from './kernels';

function fromQuadraticForm(size: number, sx: number, sy: number, theta: number, shape: (q: number) => number): Kernel {
  checkKernelSize(size);
  for (const [name, v] of [['sigmaX', sx], ['sigmaY', sy]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${name} must be a positive number, got ${v}`);
  }
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const p = 1 / (sx * sx);
  const r = 1 / (sy * sy);
  const a = p * cos * cos + r * sin * sin;
  const b = (p - r) * cos * sin;
  const c = p * sin * sin + r * cos * cos;
  const half = Math.floor(size / 2);
  const weights = new Float64Array(size * size);
  let sum = 0;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const x = col - half;
      const y = row - half;
      const w = shape(a * x * x + 2 * b * x * y + c * y * y);
      weights[row * size + col] = w;
      sum += w;
    }
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return { size, weights };
}

/** β = 1 is the Gaussian; θ in radians. */
export function generalizedGaussianKernel(size: number, sx: number, sy: number, theta: number, beta: number): Kernel {
  if (!(beta > 0)) throw new Error(`beta must be a positive number, got ${beta}`);
  return fromQuadraticForm(size, sx, sy, theta, (q) => Math.exp(-0.5 * q ** beta));
}

export function plateauKernel(size: number, sx: number, sy: number, theta: number, beta: number): Kernel {
  if (!(beta > 0)) throw new Error(`beta must be a positive number, got ${beta}`);
  return fromQuadraticForm(size, sx, sy, theta, (q) => 1 / (q ** beta + 1));
}

/**
 * Bessel function of the first kind, order 1, from Bessel's integral
 * J1(x) = (1/2π) ∫_0^{2π} cos(τ - x sin τ) dτ: the trapezoid rule on a periodic analytic integrand
 * converges geometrically once the number of nodes exceeds |x| (here |x| ≤ π·10·√2 ≈ 45).
 */
export function besselJ1(x: number): number {
  const n = 128 + 2 * Math.ceil(Math.abs(x));
  let s = 0;
  for (let k = 0; k < n; k++) {
    const t = (2 * Math.PI * k) / n;
    s += Math.cos(t - x * Math.sin(t));
  }
  return s / n;
}

/** Circular low-pass filter of cutoff ωc (radians, π = Nyquist), zero-padded to `padTo` when larger. */
export function sincKernel(cutoff: number, size: number, padTo = 0): Kernel {
  checkKernelSize(size);
  if (!(cutoff > 0) || cutoff > Math.PI) throw new Error(`sinc cutoff must be in (0, π], got ${cutoff}`);
  const centre = (size - 1) / 2;
  const inner = new Float64Array(size * size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const r = Math.hypot(i - centre, j - centre);
      const w = r === 0 ? (cutoff * cutoff) / (4 * Math.PI) : (cutoff * besselJ1(cutoff * r)) / (2 * Math.PI * r);
      inner[i * size + j] = w;
      sum += w;
    }
  }
  for (let i = 0; i < inner.length; i++) inner[i] /= sum;
  return padKernel({ size, weights: inner }, padTo);
}

/** Zero-pads a kernel to `to` x `to` (odd, ≥ size), centred. */
export function padKernel(k: Kernel, to: number): Kernel {
  if (to <= k.size) return k;
  checkKernelSize(to);
  const off = (to - k.size) / 2;
  const weights = new Float64Array(to * to);
  for (let r = 0; r < k.size; r++) weights.set(k.weights.subarray(r * k.size, (r + 1) * k.size), (r + off) * to + off);
  return { size: to, weights };
}
