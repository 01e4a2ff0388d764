// Octave-compatible polyphase resampling, as pystoi does it before STOI (x at
// fs_in -> 10 kHz): a Kaiser-windowed sinc low-pass (60 dB rejection, roll-off
// a tenth of the cut-off) normalised to unit sum, applied the way
// scipy.signal.resample_poly applies a given window (zero-padded so output
// samples sit at the filter centre).
function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the betas used). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

function octaveWindow(p: number, q: number): Float64Array {
  const stop = 1 / (2 * Math.max(p, q));
  const rollOff = stop / 10;
  const rejectionDb = 60;
  const L = Math.ceil((rejectionDb - 8) / (28.714 * rollOff));
  const beta = 0.1102 * (rejectionDb - 8.7);
  const M = 2 * L + 1;
  const h = new Float64Array(M);
  const i0b = besselI0(beta);
  for (let n = 0; n < M; n++) {
    const t = n - L;
    const r = (2 * n) / (M - 1) - 1;
    const kaiser = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
    h[n] = kaiser * 2 * p * stop * sinc(2 * stop * t);
  }
  return h;
}

/** Resamples x from `fsIn` to `fsOut` (pystoi's resample_oct(x, fsOut, fsIn)). */
export function resampleOctave(x: ArrayLike<number>, fsOut: number, fsIn: number): Float64Array {
  const g = gcd(fsOut, fsIn);
  const up = fsOut / g;
  const down = fsIn / g;
  const win = octaveWindow(up, down);
  let total = 0;
  for (const v of win) total += v;
  const halfLen = (win.length - 1) >> 1;
  const nIn = x.length;
  const nOutRaw = nIn * up;
  const nOut = Math.floor(nOutRaw / down) + (nOutRaw % down ? 1 : 0);
  const nPrePad = down - (halfLen % down);
  const nPreRemove = Math.floor((halfLen + nPrePad) / down);
  // h = [zeros(nPrePad), window / sum * up]; padding after it never changes the kept samples.
  const hLen = win.length + nPrePad;
  const h = new Float64Array(hLen);
  for (let i = 0; i < win.length; i++) h[nPrePad + i] = (win[i] / total) * up;
  const y = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    // upfirdn: y_full[n] = sum_m x[m] h[n - m*up], kept at n = (k + nPreRemove) * down.
    const n = (k + nPreRemove) * down;
    const mMax = Math.min(nIn - 1, Math.floor(n / up));
    const mMin = Math.max(0, Math.ceil((n - hLen + 1) / up));
    let s = 0;
    for (let m = mMin; m <= mMax; m++) s += x[m] * h[n - m * up];
    y[k] = s;
  }
  return y;
}
