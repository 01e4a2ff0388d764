// Small signal-processing helpers shared by the speech metrics (float64 throughout,
// as the numpy references compute).
import FFT from 'fft.js';

interface FftPlan {
  fft: FFT;
  input: number[];
  output: number[];
}
const plans = new Map<number, FftPlan>();

/** |rfft(frame, n)|^2 for bins 0..n/2 (frame zero-padded to n; n a power of two). */
export function powerSpectrum(frame: ArrayLike<number>, n: number): Float64Array {
  let plan = plans.get(n);
  if (!plan) {
    const fft = new FFT(n);
    plans.set(n, (plan = { fft, input: new Array<number>(n).fill(0), output: fft.createComplexArray() as number[] }));
  }
  const { fft, input, output } = plan;
  const m = Math.min(frame.length, n);
  for (let i = 0; i < m; i++) input[i] = frame[i];
  for (let i = m; i < n; i++) input[i] = 0;
  fft.realTransform(output, input);
  const p = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) p[k] = output[2 * k] ** 2 + output[2 * k + 1] ** 2;
  return p;
}

/** MATLAB/numpy `hanning(n)` without its zero end points: 0.5 - 0.5 cos(2 pi k / (n + 1)), k = 1..n. */
export function hanningNoZeros(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 1; k <= n; k++) w[k - 1] = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / (n + 1));
  return w;
}

/** Python's round() (half to even), which the references use for their 95 % cut-offs. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Mean of the smallest round(0.95 n) values (the LLR/WSS outlier rule of Hu & Loizou). */
export function meanOfLowest(values: number[], alpha: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const keep = roundHalfEven(sorted.length * alpha);
  let s = 0;
  for (let i = 0; i < keep; i++) s += sorted[i];
  return s / keep;
}

/** Overlapping frames [k*step, k*step + len) for k < floor((n - (len - step)) / step), each times `window`. */
export function frames(x: ArrayLike<number>, len: number, step: number, window: Float64Array | null, count?: number): Float64Array[] {
  const n = count ?? Math.floor((x.length - (len - step)) / step);
  const out: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const f = new Float64Array(len);
    for (let i = 0; i < len; i++) f[i] = x[k * step + i] * (window ? window[i] : 1);
    out.push(f);
  }
  return out;
}

export function assertSameLength(ref: ArrayLike<number>, est: ArrayLike<number>, what: string): void {
  if (ref.length !== est.length) throw new Error(`${what}: reference has ${ref.length} samples, estimate ${est.length}; they must have the same length`);
}
