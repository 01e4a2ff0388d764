// Gaussian blur kernels as the DASR/KDSR code builds them (utils/util.py of Zj-BinXia/KDSR, after
// LongguangWang/DASR): a K x K grid of offsets -K//2 .. K//2 (x along columns, y along rows),
// exp(-0.5 * [x y] Σ^-1 [x y]^T), normalised to sum 1. Isotropic: Σ = σ² I. Anisotropic:
// Σ = R(θ) diag(λ1², λ2²) R(θ)^T with R(θ) = [[cos θ, -sin θ], [sin θ, cos θ]], i.e. λ1 and λ2
// are the standard deviations along the principal axes ("eigenvalues" in the code's wording).

/** A square kernel, row-major, `size` x `size`. */
export interface Kernel {
  size: number;
  weights: Float64Array;
  /** When present, weights[r * size + c] = factor[r] · factor[c] (up to rounding): blurs run separably. */
  factor?: Float64Array;
}

export function checkKernelSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) {
    throw new Error(`kernel size must be an odd positive integer, got ${size}`);
  }
}

function checkPositive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${name} must be a positive number, got ${v}`);
}

function gaussianFromInverseCovariance(size: number, a: number, b: number, c: number): Kernel {
  // inverse covariance [[a, b], [b, c]]; quadratic form a x² + 2 b x y + c y².
  checkKernelSize(size);
  const half = Math.floor(size / 2);
  const weights = new Float64Array(size * size);
  let sum = 0;
  for (let r = 0; r < size; r++) {
    const y = r - half;
    for (let col = 0; col < size; col++) {
      const x = col - half;
      const w = Math.exp(-0.5 * (a * x * x + 2 * b * x * y + c * y * y));
      weights[r * size + col] = w;
      sum += w;
    }
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return { size, weights };
}

export function isotropicGaussianKernel(size: number, sigma: number): Kernel {
  checkPositive('sigma', sigma);
  const inv = 1 / (sigma * sigma);
  const kernel = gaussianFromInverseCovariance(size, inv, 0, inv);
  const half = Math.floor(size / 2);
  const factor = new Float64Array(size).map((_, i) => Math.exp(-0.5 * inv * (i - half) ** 2));
  const sum = factor.reduce((s, v) => s + v, 0);
  return { ...kernel, factor: factor.map((v) => v / sum) };
}

/** θ in radians (the CLI and the benchmark settings take degrees, as the released test scripts do). */
export function anisotropicGaussianKernel(size: number, lambda1: number, lambda2: number, theta: number): Kernel {
  checkPositive('lambda1', lambda1);
  checkPositive('lambda2', lambda2);
  if (!Number.isFinite(theta)) throw new Error(`theta must be a finite number, got ${theta}`);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  // Σ^-1 = R diag(1/λ1², 1/λ2²) R^T.
  const p = 1 / (lambda1 * lambda1);
  const q = 1 / (lambda2 * lambda2);
  return gaussianFromInverseCovariance(size, p * cos * cos + q * sin * sin, (p - q) * cos * sin, p * sin * sin + q * cos * cos);
}
