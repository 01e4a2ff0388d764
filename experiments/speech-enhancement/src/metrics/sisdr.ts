// Scale-invariant signal-to-distortion ratio (Le Roux, Wisdom, Erdogan, Hershey,
// "SDR - half-baked or well done?", ICASSP 2019), in dB:
//   s, s^ made zero-mean;  a = <s^, s> / ||s||^2;  SI-SDR = 10 log10(||a s||^2 / ||a s - s^||^2)
import { assertSameLength } from './dsp';

export function siSdr(ref: ArrayLike<number>, est: ArrayLike<number>): number {
  assertSameLength(ref, est, 'SI-SDR');
  const n = ref.length;
  let mr = 0;
  let me = 0;
  for (let i = 0; i < n; i++) {
    mr += ref[i];
    me += est[i];
  }
  mr /= n;
  me /= n;
  let dot = 0;
  let rr = 0;
  for (let i = 0; i < n; i++) {
    dot += (est[i] - me) * (ref[i] - mr);
    rr += (ref[i] - mr) ** 2;
  }
  const a = dot / Math.max(rr, 1e-20);
  let target = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const t = a * (ref[i] - mr);
    target += t * t;
    noise += (t - (est[i] - me)) ** 2;
  }
  return 10 * Math.log10(Math.max(target, 1e-20) / Math.max(noise, 1e-20));
}
