// Segmental SNR as the composite measures use it (Hu & Loizou 2008; the frame
// rule of pysepm's SNRseg): 30 ms Hann frames (MATLAB hanning, no zero end
// points), 75 % overlap, per-frame SNR clipped to [-10, 35] dB, the last frame
// dropped, mean over frames.
import { assertSameLength, frames, hanningNoZeros } from './dsp';

const EPS = 2.220446049250313e-16;

export function segmentalSnr(ref: ArrayLike<number>, est: ArrayLike<number>, fs: number): number {
  assertSameLength(ref, est, 'segmental SNR');
  const win = Math.round(0.03 * fs);
  // Same operations, in the same order, as the reference (so 120 at 16 kHz, not 119 by round-off).
  const skip = Math.floor((1 - 0.75) * 0.03 * fs);
  const w = hanningNoZeros(win);
  const cf = frames(ref, win, skip, w);
  const pf = frames(est, win, skip, w);
  let sum = 0;
  const used = cf.length - 1;
  if (used < 1) throw new Error(`segmental SNR: ${ref.length} samples is shorter than two ${win}-sample frames`);
  for (let k = 0; k < used; k++) {
    let s = 0;
    let e = 0;
    for (let i = 0; i < win; i++) {
      s += cf[k][i] ** 2;
      e += (cf[k][i] - pf[k][i]) ** 2;
    }
    const snr = 10 * Math.log10(s / (e + EPS) + EPS);
    sum += Math.min(35, Math.max(-10, snr));
  }
  return sum / used;
}
