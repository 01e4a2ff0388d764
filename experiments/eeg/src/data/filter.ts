// Zero-phase band-pass filtering. Design: a linear-phase FIR by the window method (windowed sinc,
// Hamming window), odd length N, scaled to unit gain at the centre of the pass band — the design
// of scipy.signal.firwin(N, [lo, hi], pass_zero=False, window='hamming', fs=fs), which the golden
// test compares against. Application: convolution centred on each sample (the kernel is symmetric,
// so the filter has zero phase: no delay, no phase distortion — what filtfilt achieves with an IIR
// filter, here in one pass with the magnitude response of the FIR itself); outside the signal the
// input is taken as zero (runs are filtered whole, and every epoch starts >= 4 s after the run
// start, beyond the kernel's half-length of N/2 samples).
// With N = 161 at 160 Hz the Hamming transition width is about 3.3 * fs / N = 3.3 Hz.

/** FIR band-pass taps (firwin's Hamming design, unit gain at (lo + hi) / 2). */
export function bandpassTaps(n: number, lo: number, hi: number, fs: number): Float64Array {
  if (!Number.isInteger(n) || n < 3 || n % 2 === 0) throw new Error(`band-pass filter: the number of taps must be odd and >= 3, got ${n}`);
  if (!(lo > 0 && hi > lo && hi < fs / 2)) throw new Error(`band-pass filter: need 0 < lo < hi < fs/2, got [${lo}, ${hi}] at ${fs} Hz`);
  const m = (n - 1) / 2;
  const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
  const a = (2 * lo) / fs; // cut-offs in units of the Nyquist frequency
  const b = (2 * hi) / fs;
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i - m;
    const ideal = b * sinc(b * t) - a * sinc(a * t);
    const hamming = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1));
    h[i] = ideal * hamming;
  }
  // Unit gain at the pass-band centre.
  const f0 = (a + b) / 2; // in Nyquist units: omega = pi * f0
  let gain = 0;
  for (let i = 0; i < n; i++) gain += h[i] * Math.cos(Math.PI * f0 * (i - m));
  for (let i = 0; i < n; i++) h[i] /= gain;
  return h;
}

/** y[t] = sum_k h[k] x[t + m - k]: the centred (zero-phase) convolution, zeros outside x. */
export function filterZeroPhase(x: ArrayLike<number>, h: Float64Array): Float32Array {
  const n = x.length;
  const m = (h.length - 1) / 2;
  const y = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    let acc = 0;
    const kMin = Math.max(0, t + m - (n - 1));
    const kMax = Math.min(h.length - 1, t + m);
    for (let k = kMin; k <= kMax; k++) acc += h[k] * x[t + m - k];
    y[t] = acc;
  }
  return y;
}
