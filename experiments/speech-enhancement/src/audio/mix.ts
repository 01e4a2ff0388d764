// Training mixtures from real clean speech and real noise, the way VoiceBank-DEMAND's
// training set was made (speech + noise at 0/5/10/15 dB SNR), seeded and cached.
// SNR here is the ratio of whole-signal energies (VoiceBank-DEMAND measured speech
// level with ITU-T P.56; kdlab has no P.56 implementation, stated in the README).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '@kdlab/engine';
import { writeFileAtomic } from '@kdlab/data';

export interface Mixture {
  clean: Float32Array;
  noisy: Float32Array;
  /** What it was made from, for the cache index and debugging. */
  info: { clean: string; noise: string; offset: number; snr: number; rir: string | null };
}

export interface MixSources {
  clean: { name: string; samples: Float32Array }[];
  noise: { name: string; samples: Float32Array }[];
  rir: { name: string; samples: Float32Array }[];
}

const energy = (x: Float32Array) => x.reduce((a, v) => a + v * v, 0);

/** Convolves speech with a room impulse response (direct form; RIRs here are <= 2 s), keeping the speech length and level. */
export function reverberate(x: Float32Array, rir: Float32Array): Float32Array {
  // Align to the direct path (the RIR's peak), as reverberant-mixture recipes do.
  let peak = 0;
  for (let i = 1; i < rir.length; i++) if (Math.abs(rir[i]) > Math.abs(rir[peak])) peak = i;
  const y = new Float32Array(x.length);
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    const kMax = Math.min(rir.length - 1, n + peak);
    for (let k = Math.max(0, n + peak - x.length + 1); k <= kMax; k++) s += rir[k] * x[n + peak - k];
    y[n] = s;
  }
  const g = Math.sqrt(energy(x) / Math.max(energy(y), 1e-20));
  return y.map((v) => v * g);
}

/** Speech plus a noise excerpt scaled to `snr` dB (whole-signal energies); the noise loops when shorter. */
export function mixAtSnr(clean: Float32Array, noise: Float32Array, offset: number, snr: number): Float32Array {
  const excerpt = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) excerpt[i] = noise[(offset + i) % noise.length];
  const g = Math.sqrt(energy(clean) / Math.max(energy(excerpt), 1e-20) / 10 ** (snr / 10));
  return clean.map((c, i) => c + g * excerpt[i]);
}

/** `count` mixtures of the given clean utterances, drawn with `seed`. */
export function makeMixtures(src: MixSources, count: number, snrs: number[], rirProb: number, seed: number): Mixture[] {
  const rng = new Rng(seed);
  const out: Mixture[] = [];
  for (let i = 0; i < count; i++) {
    const c = src.clean[i % src.clean.length];
    const n = src.noise[Math.floor(rng.next() * src.noise.length)];
    const offset = Math.floor(rng.next() * n.samples.length);
    const snr = snrs[Math.floor(rng.next() * snrs.length)];
    const useRir = src.rir.length > 0 && rng.next() < rirProb;
    const r = useRir ? src.rir[Math.floor(rng.next() * src.rir.length)] : null;
    const speech = r ? reverberate(c.samples, r.samples) : c.samples;
    out.push({ clean: speech, noisy: mixAtSnr(speech, n.samples, offset, snr), info: { clean: c.name, noise: n.name, offset, snr, rir: r?.name ?? null } });
  }
  return out;
}

/**
 * makeMixtures through a cache: `<dir>/<key>.bin` (float32 clean then noisy, per mixture) and
 * `<key>.json` (the index). The key hashes everything the mixtures depend on (sources' checksums,
 * settings, seed), so a changed input makes new mixtures instead of reusing stale ones.
 */
export function cachedMixtures(dir: string, keyParts: unknown, make: () => Mixture[]): Mixture[] {
  const key = crypto.createHash('sha256').update(JSON.stringify(keyParts)).digest('hex').slice(0, 16);
  const bin = path.join(dir, `${key}.bin`);
  const idx = path.join(dir, `${key}.json`);
  if (fs.existsSync(bin) && fs.existsSync(idx)) {
    const index = JSON.parse(fs.readFileSync(idx, 'utf8')) as { length: number; info: Mixture['info'] }[];
    const buf = fs.readFileSync(bin);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    let at = 0;
    return index.map((m) => {
      const clean = all.slice(at, at + m.length);
      const noisy = all.slice(at + m.length, at + 2 * m.length);
      at += 2 * m.length;
      return { clean, noisy, info: m.info };
    });
  }
  const mixtures = make();
  fs.mkdirSync(dir, { recursive: true });
  const total = mixtures.reduce((a, m) => a + 2 * m.clean.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const m of mixtures) {
    all.set(m.clean, at);
    all.set(m.noisy, at + m.clean.length);
    at += 2 * m.clean.length;
  }
  writeFileAtomic(bin, Buffer.from(all.buffer));
  writeFileAtomic(idx, JSON.stringify(mixtures.map((m) => ({ length: m.clean.length, info: m.info }))));
  return mixtures;
}
