// WAV reading and writing through `wavefile` (RIFF/WAVE parsing and PCM/float
// conversion). kdlab's speech convention is 16 kHz mono: a file with another
// rate or channel count, or one wavefile cannot parse, is an error that names
// the file. Nothing is resampled or down-mixed silently.
import * as fs from 'fs';
import * as path from 'path';
import { WaveFile } from 'wavefile';

/** Samples as float in [-1, 1) (int16 / 32768, as soundfile and torchaudio read them). */
export interface Audio {
  samples: Float32Array;
  sampleRate: number;
}

export const SPEECH_RATE = 16000;

export interface ReadWavOptions {
  /** Required sample rate (default 16000); `null` accepts any rate. */
  rate?: number | null;
}

export function readWav(file: string, opts: ReadWavOptions = {}): Audio {
  const rate = opts.rate === undefined ? SPEECH_RATE : opts.rate;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'not found' : `cannot read (${code ?? String(err)})`}`);
  }
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (err) {
    throw new Error(`${file}: not a readable WAV file (corrupt or unsupported header: ${(err as Error).message})`);
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number; audioFormat: number };
  if (fmt.numChannels !== 1) throw new Error(`${file}: ${fmt.numChannels} channels; speech enhancement reads mono files (down-mix it first)`);
  if (rate !== null && fmt.sampleRate !== rate) throw new Error(`${file}: sample rate ${fmt.sampleRate} Hz, expected ${rate} Hz (resample it first; kdlab never resamples silently)`);
  const bits = fmt.bitsPerSample;
  const isFloat = fmt.audioFormat === 3 || (fmt.audioFormat === 65534 && bits === 32 && wav.bitDepth === '32f');
  let raw: Float64Array;
  try {
    raw = wav.getSamples(false, Float64Array) as unknown as Float64Array;
  } catch (err) {
    throw new Error(`${file}: cannot decode the samples (${(err as Error).message})`);
  }
  if (raw.length === 0) throw new Error(`${file}: holds no samples`);
  // Integer PCM scales by 2^(bits-1) (int16: 32768), the convention of soundfile/torchaudio.
  const scale = isFloat ? 1 : 2 ** (bits - 1);
  const samples = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) samples[i] = raw[i] / scale;
  return { samples, sampleRate: fmt.sampleRate };
}

/** Writes 16-bit PCM mono (values clipped to [-1, 1)), creating the folder. */
export function writeWav(file: string, audio: Audio): void {
  const ints = new Int16Array(audio.samples.length);
  for (let i = 0; i < ints.length; i++) ints[i] = Math.max(-32768, Math.min(32767, Math.round(audio.samples[i] * 32768)));
  const wav = new WaveFile();
  wav.fromScratch(1, audio.sampleRate, '16', ints);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, wav.toBuffer());
}

/** `.wav` files of a folder (sorted by name), or the file itself. */
export function listWavs(fileOrDir: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(fileOrDir);
  } catch {
    throw new Error(`${fileOrDir}: not found`);
  }
  if (!stat.isDirectory()) return [fileOrDir];
  const files = fs.readdirSync(fileOrDir).filter((f) => f.toLowerCase().endsWith('.wav')).sort();
  if (files.length === 0) throw new Error(`${fileOrDir}: holds no .wav files`);
  return files.map((f) => path.join(fileOrDir, f));
}
