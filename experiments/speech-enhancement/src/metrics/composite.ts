// The composite measures of Hu & Loizou ("Evaluation of objective quality
// measures for speech enhancement", IEEE TASLP 16(1), 2008):
//   CSIG = 3.093 - 1.029 LLR + 0.603 PESQ - 0.009 WSS
//   CBAK = 1.634 + 0.478 PESQ - 0.007 WSS + 0.063 segSNR
//   COVL = 1.594 + 0.805 PESQ - 0.512 LLR - 0.007 WSS      (each clipped to [1, 5])
// Implementation followed: the frame-level measures of pysepm (Loizou's MATLAB
// composite.m ported to Python; the PyPI package pysepm-evo 0.1.1 is the
// reference the golden values come from): 30 ms Hann frames (MATLAB hanning),
// 75 % overlap; LLR with 16th-order LPC (fs >= 10 kHz) and no per-frame clip,
// WSS over 25 critical bands (Klatt's weights, Kmax = 20, Klocmax = 1), each the
// mean of its lowest 95 % of frames; segmental SNR as ./ssnr.ts. PESQ is the
// wide-band P.862.2 score, as SEGAN's and MANNER's released evaluation code use it
// (Loizou's original uses narrow-band raw PESQ; papers on VoiceBank-DEMAND follow
// the SEGAN code).
import { assertSameLength, frames, hanningNoZeros, meanOfLowest, powerSpectrum } from './dsp';
import { segmentalSnr } from './ssnr';

const EPS = 2.220446049250313e-16;
const ALPHA = 0.95;

function frameGeometry(fs: number): { win: number; skip: number } {
  // The reference's expressions, evaluated in the same order.
  return { win: Math.round(0.03 * fs), skip: Math.floor((1 - 0.75) * 0.03 * fs) };
}

/** Autocorrelation lags 0..order and LPC coefficients [1, -a1, ..., -ap] by Levinson-Durbin. */
function lpc(frame: Float64Array, order: number): { a: Float64Array; r: Float64Array } {
  const r = new Float64Array(order + 1);
  for (let k = 0; k <= order; k++) {
    let s = 0;
    for (let i = 0; i + k < frame.length; i++) s += frame[i] * frame[i + k];
    r[k] = s;
  }
  const a = new Float64Array(order).fill(1);
  const past = new Float64Array(order).fill(1);
  let e = r[0];
  for (let i = 0; i < order; i++) {
    for (let j = 0; j < i; j++) past[j] = a[j];
    let sum = 0;
    for (let j = 0; j < i; j++) sum += past[j] * r[i - j];
    const k = e === 0 ? Infinity : (r[i + 1] - sum) / e;
    a[i] = k;
    for (let j = 0; j < i; j++) a[j] = past[j] - k * past[i - 1 - j];
    e = (1 - k * k) * e;
  }
  const params = new Float64Array(order + 1);
  params[0] = 1;
  for (let j = 0; j < order; j++) params[j + 1] = -a[j];
  return { a: params, r };
}

/** a' T(r) a for the symmetric Toeplitz matrix of lags r. */
function toeplitzQuad(a: Float64Array, r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) s += a[i] * r[Math.abs(i - j)] * a[j];
  return s;
}

/** Log-likelihood ratio (composite form: no per-frame clip at 2), mean of the lowest 95 % of frames. */
export function llr(ref: ArrayLike<number>, est: ArrayLike<number>, fs: number): number {
  assertSameLength(ref, est, 'LLR');
  const { win, skip } = frameGeometry(fs);
  const order = fs < 10000 ? 10 : 16;
  const w = hanningNoZeros(win);
  const plus = (x: ArrayLike<number>) => Float64Array.from(x, (v) => v + EPS);
  const cf = frames(plus(ref), win, skip, w);
  const pf = frames(plus(est), win, skip, w);
  const d: number[] = [];
  for (let k = 0; k < cf.length - 1; k++) {
    const c = lpc(cf[k], order);
    const p = lpc(pf[k], order);
    let frac = toeplitzQuad(p.a, c.r) / toeplitzQuad(c.a, c.r);
    if (Number.isNaN(frac)) frac = Infinity;
    if (frac <= 0) frac = 1000;
    d.push(Math.log(frac));
  }
  return meanOfLowest(d, ALPHA);
}

// Klatt's 25 critical bands: centre frequencies and bandwidths (Hz).
const CENT = [50, 120, 190, 260, 330, 400, 470, 540, 617.372, 703.378, 798.717, 904.128, 1020.38, 1148.3, 1288.72, 1442.54, 1610.7, 1794.16, 1993.93, 2211.08, 2446.71, 2701.97, 2978.04, 3276.17, 3597.63];
const BW = [70, 70, 70, 70, 70, 70, 70, 77.3724, 86.0056, 95.3398, 105.411, 116.256, 127.914, 140.423, 153.823, 168.154, 183.457, 199.776, 217.153, 235.631, 255.255, 276.072, 298.126, 321.465, 346.136];

function criticalFilters(fs: number, half: number): Float64Array[] {
  const minFactor = Math.exp(-30 / (2 * 2.303));
  return CENT.map((cf, i) => {
    const f0 = Math.floor((cf / (fs / 2)) * half);
    const bw = (BW[i] / (fs / 2)) * half;
    const norm = Math.log(BW[0]) - Math.log(BW[i]);
    const row = new Float64Array(half);
    for (let j = 0; j < half; j++) {
      const v = Math.exp(-11 * ((j - f0) / bw) ** 2 + norm);
      row[j] = v > minFactor ? v : 0;
    }
    return row;
  });
}

function bandEnergiesDb(x: Float64Array, fs: number): Float64Array[] {
  const { win, skip } = frameGeometry(fs);
  const nfft = 2 ** Math.ceil(Math.log2(2 * win));
  const half = nfft / 2;
  const filters = criticalFilters(fs, half);
  const numFrames = Math.floor(x.length / skip - win / skip);
  const w = hanningNoZeros(win);
  return frames(x, win, skip, w, numFrames).map((f) => {
    const p = powerSpectrum(f, nfft); // bins 0..half; the Nyquist bin is dropped as the reference does
    return Float64Array.from(filters, (row) => {
      let e = 0;
      for (let j = 0; j < half; j++) e += row[j] * p[j];
      return Math.max(-100, 10 * Math.log10(e));
    });
  });
}

/** Level of the nearest spectral peak for each band (Klatt's local-peak search, as in the reference). */
function localPeaks(slope: Float64Array, energy: Float64Array): Float64Array {
  const nc = energy.length;
  const out = new Float64Array(slope.length);
  for (let i = 0; i < slope.length; i++) {
    let n = i;
    if (slope[i] > 0) {
      while (n < nc - 1 && slope[n] > 0) n++;
      out[i] = energy[n - 1];
    } else {
      while (n >= 0 && slope[n] <= 0) n--;
      out[i] = energy[n + 1];
    }
  }
  return out;
}

/** Weighted spectral slope distance, mean of the lowest 95 % of frames. */
export function wss(ref: ArrayLike<number>, est: ArrayLike<number>, fs: number): number {
  assertSameLength(ref, est, 'WSS');
  const kMax = 20;
  const kLocMax = 1;
  const c = bandEnergiesDb(Float64Array.from(ref, (v) => v + EPS), fs);
  const p = bandEnergiesDb(Float64Array.from(est, (v) => v + EPS), fs);
  const d: number[] = [];
  for (let m = 0; m < c.length; m++) {
    const ce = c[m];
    const pe = p[m];
    const nb = ce.length - 1;
    const cs = Float64Array.from({ length: nb }, (_, i) => ce[i + 1] - ce[i]);
    const ps = Float64Array.from({ length: nb }, (_, i) => pe[i + 1] - pe[i]);
    const cMax = Math.max(...ce);
    const pMax = Math.max(...pe);
    const cPeaks = localPeaks(cs, ce);
    const pPeaks = localPeaks(ps, pe);
    let num = 0;
    let den = 0;
    for (let i = 0; i < nb; i++) {
      const wc = (kMax / (kMax + cMax - ce[i])) * (kLocMax / (kLocMax + cPeaks[i] - ce[i]));
      const wp = (kMax / (kMax + pMax - pe[i])) * (kLocMax / (kLocMax + pPeaks[i] - pe[i]));
      const wgt = (wc + wp) / 2;
      num += wgt * (cs[i] - ps[i]) ** 2;
      den += wgt;
    }
    d.push(num / den);
  }
  return meanOfLowest(d, ALPHA);
}

export interface CompositeScores {
  csig: number;
  cbak: number;
  covl: number;
  llr: number;
  wss: number;
  ssnr: number;
}

const trim = (v: number) => Math.min(5, Math.max(1, v));

/** CSIG/CBAK/COVL from the frame measures and a PESQ score (wide band, see above). */
export function composite(ref: ArrayLike<number>, est: ArrayLike<number>, fs: number, pesq: number): CompositeScores {
  return compositeFrom(llr(ref, est, fs), wss(ref, est, fs), segmentalSnr(ref, est, fs), pesq);
}

/** The regressions on already computed LLR, WSS, segmental SNR and PESQ. */
export function compositeFrom(l: number, w: number, s: number, pesq: number): CompositeScores {
  return {
    csig: trim(3.093 - 1.029 * l + 0.603 * pesq - 0.009 * w),
    cbak: trim(1.634 + 0.478 * pesq - 0.007 * w + 0.063 * s),
    covl: trim(1.594 + 0.805 * pesq - 0.512 * l - 0.007 * w),
    llr: l,
    wss: w,
    ssnr: s,
  };
}
