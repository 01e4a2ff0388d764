// The `speech-enhance` task: time-domain enhancement of 16 kHz mono speech.
// Training: random crops of seeded, cached mixtures of real clean speech and real
// noise (./audio/mix.ts), noisy -> clean, as [N, 1, T, 1] waveforms. Validation:
// mixtures of held-out clean utterances (SI-SDR, STOI). Evaluation: the real
// VoiceBank-DEMAND pairs, every metric of ./metrics, mean over files, never used
// for any choice. Baseline: 'noisy' (the unprocessed input).
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { Rng, Tensor } from '@kdlab/engine';
import { datasetDir, loadManifest, repoRoot, verifyDataset } from '@kdlab/data';
import type { BatchStream, EvalResult, Predictor, Task, TaskInstance } from '@kdlab/runner';
import { readWav, SPEECH_RATE } from './audio/wav';
import { cachedMixtures, makeMixtures, type Mixture, type MixSources } from './audio/mix';
import { loadSpeechPairs, type SpeechPair } from './data/pairs';
import { meanScores, scorePair, SPEECH_CONVENTION, SPEECH_METRICS, type PairScores } from './metrics/evaluate';
import { PesqWorker } from './metrics/pesq';
import { siSdr } from './metrics/sisdr';
import { stoi } from './metrics/stoi';
import { EXAMPLE_FILE, speechMetricKey, speechPerFileName } from './naming';
import { speechDataSchema, speechEvalSchema, type SpeechData, type SpeechEval } from './schema';

const checksums = new Map<string, ReturnType<typeof verifyDataset>>();
function checksumOf(name: string): ReturnType<typeof verifyDataset> {
  if (!checksums.has(name)) checksums.set(name, verifyDataset(name));
  return checksums.get(name)!;
}

/** Every file of a (flat) manifest, read as 16 kHz mono; errors name the file. */
function readAll(dataset: string): { name: string; samples: Float32Array }[] {
  const m = loadManifest(dataset);
  const dir = datasetDir(m);
  return m.files.map((f) => ({ name: f.path, samples: readWav(path.join(dir, f.path)).samples }));
}

/** The model (or the baseline) on one utterance [T] -> [T]. */
export function enhance(predictor: Predictor, noisy: Float32Array): Float32Array {
  if (predictor.kind === 'baseline') {
    if (predictor.name !== 'noisy') throw new Error(`speech-enhance task: unknown baseline ${predictor.name} (known: noisy)`);
    return noisy;
  }
  const out = tf.tidy(() => predictor.predict(tf.tensor4d(noisy, [1, 1, noisy.length, 1])) as Tensor);
  const y = out.dataSync() as Float32Array;
  out.dispose();
  if (y.length !== noisy.length) throw new Error(`speech-enhance task: the model returned ${y.length} samples for ${noisy.length}`);
  return Float32Array.from(y);
}

class SpeechTaskInstance implements TaskInstance {
  readonly baselines = ['noisy'] as const;
  /** FLOPs per second of audio: a [1, 1, 16000, 1] input. */
  readonly flopsInputHw: [number, number] = [1, SPEECH_RATE];
  readonly tags: Record<string, string>;
  private readonly train: Mixture[];
  private readonly valid: Mixture[];

  constructor(private readonly data: SpeechData, private readonly evalCfg: SpeechEval) {
    const t = data.train;
    const clean = readAll(t.clean);
    const known = new Set(clean.map((c) => c.name));
    for (const v of t.validation) if (!known.has(v)) throw new Error(`config.data.train.validation: ${JSON.stringify(v)} is not a file of ${t.clean} (files: ${[...known].join(', ')})`);
    const held = new Set(t.validation);
    const trainClean = clean.filter((c) => !held.has(c.name));
    if (trainClean.length === 0) throw new Error(`config.data.train.validation holds out every utterance of ${t.clean}; nothing is left to train on`);
    const noise = readAll(t.noise);
    const rir = t.rir ? readAll(t.rir) : [];
    const sums = [t.clean, t.noise, ...(t.rir ? [t.rir] : [])].map((d) => checksumOf(d).sha256);
    const cacheDir = path.join(repoRoot(), '.cache', 'speech-mixtures');
    const make = (src: MixSources, count: number, seed: number, what: string) =>
      cachedMixtures(cacheDir, { v: 1, what, sums, held: t.validation, count, snrs: t.snrs, rirProb: t.rirProb, seed }, () => makeMixtures(src, count, t.snrs, t.rirProb, seed));
    this.train = make({ clean: trainClean, noise, rir }, t.mixtures, t.seed, 'train');
    // Validation mixtures: held-out speech, their own seed stream.
    this.valid = make({ clean: clean.filter((c) => held.has(c.name)), noise, rir }, t.validationMixtures, t.seed + 1_000_003, 'valid');
    this.tags = {
      'kdlab.metric_convention': SPEECH_CONVENTION,
      'kdlab.train_data': `${t.mixtures} mixtures of ${t.clean} (${trainClean.length} utterances) + ${t.noise} at ${t.snrs.join('/')} dB`,
      'kdlab.validation': `${t.validationMixtures} mixtures of held-out ${t.validation.join(', ')}`,
      'kdlab.sample_rate': String(SPEECH_RATE),
    };
  }

  datasets() {
    const t = this.data.train;
    return [...new Set([t.clean, t.noise, ...(t.rir ? [t.rir] : []), ...this.data.test])].map(checksumOf);
  }

  trainStream(rng: Rng): BatchStream {
    const { segment, batch } = this.data;
    return {
      next: () => {
        const noisy = new Float32Array(batch * segment);
        const clean = new Float32Array(batch * segment);
        for (let b = 0; b < batch; b++) {
          const m = this.train[rng.int(this.train.length)];
          // A random crop; utterances shorter than the segment are zero-padded at the end.
          const offset = rng.int(Math.max(1, m.clean.length - segment + 1));
          const n = Math.min(segment, m.clean.length - offset);
          noisy.set(m.noisy.subarray(offset, offset + n), b * segment);
          clean.set(m.clean.subarray(offset, offset + n), b * segment);
        }
        return { input: tf.tensor4d(noisy, [batch, 1, segment, 1]), target: tf.tensor4d(clean, [batch, 1, segment, 1]) };
      },
      getState: () => ({ rng: rng.getState() }),
      setState: (s) => rng.setState((s as { rng: number }).rng),
    };
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    let pairs: SpeechPair[] = this.data.test.flatMap((d) => loadSpeechPairs(d));
    if (this.evalCfg.limit) pairs = pairs.slice(0, this.evalCfg.limit);
    const example = this.evalCfg.example ?? pairs[0].name;
    if (!pairs.some((p) => p.name === example)) throw new Error(`config.eval.example: ${example} is not one of the evaluation pairs`);
    const valid = this.evalCfg.validation ? this.valid : [];
    const total = pairs.length + valid.length;
    let done = 0;
    const metrics: Record<string, number> = {};
    const files: Record<string, object> = {};
    // Validation mixtures: SI-SDR and STOI only (what one would select on; PESQ is for the test table).
    if (valid.length > 0) {
      const v = valid.map((m) => {
        const est = enhance(predictor, m.noisy);
        onProgress?.(++done, total);
        return { si_sdr: siSdr(m.clean, est), stoi: stoi(m.clean, est, SPEECH_RATE) };
      });
      metrics[speechMetricKey('valid', 'si_sdr')] = v.reduce((a, r) => a + r.si_sdr, 0) / v.length;
      metrics[speechMetricKey('valid', 'stoi')] = v.reduce((a, r) => a + r.stoi, 0) / v.length;
    }
    const worker = new PesqWorker();
    const rows: PairScores[] = [];
    try {
      for (const p of pairs) {
        const est = enhance(predictor, p.noisy);
        rows.push({ name: p.name, ...(await scorePair(p.clean, est, SPEECH_RATE, worker, p.name)) });
        if (p.name === example) files[EXAMPLE_FILE] = { name: p.name, rate: SPEECH_RATE, clean: round(p.clean), noisy: round(p.noisy), enhanced: round(est) };
        onProgress?.(++done, total);
      }
    } finally {
      await worker.close();
    }
    const set = this.data.testName;
    const mean = meanScores(rows);
    for (const k of SPEECH_METRICS) metrics[speechMetricKey(set, k)] = mean[k];
    files[speechPerFileName(set)] = { images: rows, mean };
    return { metrics, files };
  }

  dispose(): void {}
}

/** Samples as a JSON-friendly array at 16-bit precision (enough for a spectrogram). */
function round(x: Float32Array): number[] {
  return Array.from(x, (v) => Math.round(v * 32768) / 32768);
}

export const speechTask: Task<SpeechData, SpeechEval> = {
  name: 'speech-enhance',
  dataSchema: speechDataSchema,
  evalSchema: speechEvalSchema,
  async create(data, evalCfg) {
    return new SpeechTaskInstance(data, evalCfg);
  },
};
