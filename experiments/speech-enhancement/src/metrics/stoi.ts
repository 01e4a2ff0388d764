// STOI (Taal et al., IEEE TASLP 2011) and extended STOI (Jensen & Taal, IEEE
// TASLP 2016), ported from pystoi 0.4.1, the implementation the field reports
// with (pystoi.stoi(clean, estimate, fs, extended)). Same constants and steps:
// resampling to 10 kHz (Octave-compatible), removal of frames more than 40 dB
// below the loudest clean frame, 256-sample Hann frames at 50 % overlap,
// 512-point FFT, 15 one-third octave bands from 150 Hz, 30-frame segments,
// clipping at -15 dB SDR (STOI) or row/column normalisation (ESTOI). Checked
// against pystoi within 1e-3 on every evaluation pair (stoi.test.ts).
// pystoi adds N(0, eps^2) noise before ESTOI's normalisation; it is omitted here
// (its effect is ~1e-16).
import { assertSameLength, hanningNoZeros, powerSpectrum } from './dsp';
import { resampleOctave } from './resample';

const FS = 10000;
const N_FRAME = 256;
const NFFT = 512;
const NUMBAND = 15;
const MINFREQ = 150;
const N = 30;
const BETA = -15;
const DYN_RANGE = 40;
const EPS = 2.220446049250313e-16;

/** One-third octave band matrix [band][bin] (pystoi's thirdoct: edges snapped to the nearest FFT bin). */
function thirdOctaveBands(): [number, number][] {
  const f: number[] = [];
  for (let i = 0; i <= NFFT / 2; i++) f.push((i * FS) / NFFT);
  const nearest = (freq: number) => {
    let best = 0;
    for (let i = 1; i < f.length; i++) if ((f[i] - freq) ** 2 < (f[best] - freq) ** 2) best = i;
    return best;
  };
  const bands: [number, number][] = [];
  for (let k = 0; k < NUMBAND; k++) {
    const lo = MINFREQ * 2 ** ((2 * k - 1) / 6);
    const hi = MINFREQ * 2 ** ((2 * k + 1) / 6);
    bands.push([nearest(lo), nearest(hi)]); // bins [lo, hi)
  }
  return bands;
}
const BANDS = thirdOctaveBands();

function frameStarts(length: number, frameLen: number, hop: number): number[] {
  const s: number[] = [];
  for (let i = 0; i < length - frameLen; i += hop) s.push(i);
  return s;
}

function overlapAdd(fr: Float64Array[], hop: number, frameLen: number): Float64Array {
  if (fr.length === 0) return new Float64Array(0);
  const out = new Float64Array((fr.length - 1) * hop + frameLen);
  fr.forEach((f, k) => f.forEach((v, i) => (out[k * hop + i] += v)));
  return out;
}

function removeSilentFrames(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  const w = hanningNoZeros(N_FRAME);
  const hop = N_FRAME / 2;
  const starts = frameStarts(x.length, N_FRAME, hop);
  const xf = starts.map((s) => w.map((wv, i) => wv * x[s + i]));
  const yf = starts.map((s) => w.map((wv, i) => wv * y[s + i]));
  const energies = xf.map((f) => 20 * Math.log10(Math.sqrt(f.reduce((a, v) => a + v * v, 0)) + EPS));
  const max = Math.max(...energies);
  const keep = energies.map((e) => max - DYN_RANGE - e < 0);
  return [overlapAdd(xf.filter((_, i) => keep[i]), hop, N_FRAME), overlapAdd(yf.filter((_, i) => keep[i]), hop, N_FRAME)];
}

/** Band envelopes [band][frame] = sqrt(sum of |X|^2 over the band's bins). */
function thirdOctaveEnvelopes(x: Float64Array): Float64Array[] {
  const w = hanningNoZeros(N_FRAME);
  const starts = frameStarts(x.length, N_FRAME, N_FRAME / 2);
  const spectra = starts.map((s) => powerSpectrum(w.map((wv, i) => wv * x[s + i]), NFFT));
  const tob = BANDS.map(() => new Float64Array(spectra.length));
  spectra.forEach((p, m) =>
    BANDS.forEach(([lo, hi], b) => {
      let s = 0;
      for (let k = lo; k < hi; k++) s += p[k];
      tob[b][m] = Math.sqrt(s);
    }),
  );
  return tob;
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
const centre = (v: Float64Array) => {
  const m = v.reduce((a, x) => a + x, 0) / v.length;
  return v.map((x) => x - m);
};

/** STOI (extended = false) or ESTOI (extended = true) of `est` against the clean `ref`, both at `fs`. */
export function stoi(ref: ArrayLike<number>, est: ArrayLike<number>, fs: number, extended = false): number {
  assertSameLength(ref, est, extended ? 'ESTOI' : 'STOI');
  let x: Float64Array = Float64Array.from(ref);
  let y: Float64Array = Float64Array.from(est);
  if (fs !== FS) {
    x = resampleOctave(x, FS, fs);
    y = resampleOctave(y, FS, fs);
  }
  [x, y] = removeSilentFrames(x, y);
  const xt = thirdOctaveEnvelopes(x);
  const yt = thirdOctaveEnvelopes(y);
  const M = xt[0].length;
  // pystoi returns 1e-5 (with a warning) when fewer than 30 frames remain.
  if (M < N) return 1e-5;
  const segments = M - N + 1;
  let total = 0;
  for (let m = N; m <= M; m++) {
    const xs = xt.map((band) => band.slice(m - N, m));
    const ys = yt.map((band) => band.slice(m - N, m));
    if (extended) {
      // Row (per band) then column (per frame) mean and variance normalisation.
      const rowNorm = (seg: Float64Array[]) => seg.map((r) => {
        const c = centre(r);
        const n = norm(c);
        return c.map((v) => v / n);
      });
      const xr = rowNorm(xs);
      const yr = rowNorm(ys);
      for (let j = 0; j < N; j++) {
        const xc = centre(Float64Array.from(xr, (r) => r[j]));
        const yc = centre(Float64Array.from(yr, (r) => r[j]));
        const nx = norm(xc);
        const ny = norm(yc);
        let d = 0;
        for (let b = 0; b < NUMBAND; b++) d += (xc[b] / nx) * (yc[b] / ny);
        total += d / N;
      }
    } else {
      const clip = 10 ** (-BETA / 20);
      for (let b = 0; b < NUMBAND; b++) {
        const alpha = norm(xs[b]) / (norm(ys[b]) + EPS);
        const yp = centre(ys[b].map((v, i) => Math.min(v * alpha, xs[b][i] * (1 + clip))));
        const xc = centre(xs[b]);
        const ny = norm(yp) + EPS;
        const nx = norm(xc) + EPS;
        let d = 0;
        for (let i = 0; i < N; i++) d += (yp[i] / ny) * (xc[i] / nx);
        total += d;
      }
    }
  }
  return extended ? total / segments : total / (segments * NUMBAND);
}
