// Blind-SR test sets, generated deterministically from the SR manifests' HR images and cached as
// PNG under <repo>/.cache/blind-sr/<dataset>/<setting>/ (like the bicubic LR cache of sr-pairs).
// Every file name carries a key hashing the degradation, DEGRADE_VERSION, IMRESIZE_VERSION and the
// noise seed; a sidecar <file>.sha256 holds the checksum of its pixels, checked on every read
// (a missing or mismatching checksum regenerates the file, never trusts it).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '@kdlab/engine';
import { writeFileAtomic } from '../atomic';
import { decodeImage, encodeImage } from '../codec';
import type { Image } from '../image';
import { IMRESIZE_VERSION } from '../imresize';
import { repoRoot } from '../root';
import { loadSrPairs, type LoadSrPairsOptions, type SrPair } from '../sr-pairs';
import { DEGRADE_VERSION, degradeClassic, type ClassicDegradation } from './classic';
import { degradeSecondOrder, REALESRGAN_X4_OPTIONS, SECOND_ORDER_VERSION, type SecondOrderOptions } from './second-order';

export type BenchmarkDegradation =
  | { label: string; degradation: ClassicDegradation; secondOrder?: undefined }
  | { label: string; secondOrder: SecondOrderOptions; degradation?: undefined };

export interface BenchmarkSetting {
  id: string;
  /** One LR per HR image and degradation: a classic one, or Real-ESRGAN's second-order pipeline. */
  degradations: BenchmarkDegradation[];
  /** Base of the per-image noise seeds. */
  seed: number;
  source: string;
}

const GAUSSIAN8_SIGMAS = [1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2];

/** "Gaussian8" at x4: isotropic σ ∈ {1.8, 2.0, …, 3.2}, kernel 21, no noise (KDSR trainer_iso_stage4.py test()). */
export const GAUSSIAN8_X4: BenchmarkSetting = {
  id: 'gaussian8-x4',
  degradations: GAUSSIAN8_SIGMAS.map((sigma) => ({
    label: `sigma${sigma.toFixed(1)}`,
    degradation: { scale: 4, kernelSize: 21, blur: { type: 'iso', sigma }, noise: 0 },
  })),
  seed: 0,
  source: 'Zj-BinXia/KDSR KDSR-classic/trainer_iso_stage4.py (sig_list for x4), after DASR',
};

/**
 * KDSR's anisotropic-plus-noise test: λ1 = 3.5, λ2 = 1.5, θ = 30°, noise 10, x4
 * (KDSR-classic/test_anisonoise_KDSRsMx4.sh flags; noise=10 fixed in trainer_anisonoise_stage4.py test()).
 * The released script evaluates it on Set14; the noise here comes from the kdlab Rng, not torch.randn.
 */
export const KDSR_ANISO_NOISE10_X4: BenchmarkSetting = {
  id: 'kdsr-aniso-noise10-x4',
  degradations: [{
    label: 'l3.5-1.5-t30-n10',
    degradation: { scale: 4, kernelSize: 21, blur: { type: 'aniso', lambda1: 3.5, lambda2: 1.5, thetaDeg: 30 }, noise: 10 },
  }],
  seed: 0,
  source: 'Zj-BinXia/KDSR KDSR-classic/test_anisonoise_KDSRsMx4.sh + trainer_anisonoise_stage4.py',
};

/**
 * A real-world-like set: Real-ESRGAN's second-order degradation (options/train_realesrnet_x4plus.yml)
 * applied once per HR image, each image with its own fixed seed (kdlab's choice: the released code
 * has no fixed test set for this pipeline).
 */
export const REALESRGAN_X4: BenchmarkSetting = {
  id: 'realesrgan-x4',
  degradations: [{ label: 'second-order', secondOrder: REALESRGAN_X4_OPTIONS }],
  seed: 0,
  source: 'xinntao/Real-ESRGAN realesrgan/models/realesrnet_model.py feed_data + options/train_realesrnet_x4plus.yml',
};

export const BENCHMARK_SETTINGS: readonly BenchmarkSetting[] = [GAUSSIAN8_X4, KDSR_ANISO_NOISE10_X4, REALESRGAN_X4];

const scaleOf = (d: BenchmarkDegradation) => (d.degradation ? d.degradation.scale : d.secondOrder.scale);

export interface DegradedPair {
  /** Manifest name ('Set5') and file stem ('baby'). */
  dataset: string;
  name: string;
  /** The degradation's label within its setting, e.g. 'sigma2.6'. */
  label: string;
  /** The classic degradation, or the second-order options, that made the LR. */
  degradation?: ClassicDegradation;
  secondOrder?: SecondOrderOptions;
  /** Seed of the noise Rng: imageSeed(setting.seed, setting.id, dataset, HR path, label). */
  seed: number;
  hrSha256: string;
  /** sha256 of the LR pixels (HWC bytes). */
  lrSha256: string;
  hr: Image;
  lr: Image;
}

export interface LoadDegradedOptions extends LoadSrPairsOptions {
  /** Default <repo>/.cache/blind-sr. */
  blindCacheDir?: string;
}

/** A 32-bit seed for one image of one setting, independent of the order images are read in. */
export function imageSeed(base: number, ...parts: string[]): number {
  return crypto.createHash('sha256').update([String(base), ...parts].join('/')).digest().readUInt32LE(0);
}

/** The cache key of one degraded image: changes whenever its pixels could. */
export function degradationCacheKey(d: ClassicDegradation | SecondOrderOptions, seed: number): string {
  const what = JSON.stringify({ d, seed, DEGRADE_VERSION, IMRESIZE_VERSION, SECOND_ORDER_VERSION });
  return crypto.createHash('sha256').update(what).digest('hex').slice(0, 16);
}

export function pixelSha256(img: Image): string {
  return crypto.createHash('sha256').update(img.data).update(`${img.height}x${img.width}x${img.channels}`).digest('hex');
}

function readVerified(file: string, expectH: number, expectW: number): { lr: Image; sha: string } | null {
  try {
    const want = fs.readFileSync(`${file}.sha256`, 'utf8').trim();
    const lr = decodeImage(fs.readFileSync(file), file);
    const sha = pixelSha256(lr);
    return sha === want && lr.height === expectH && lr.width === expectW ? { lr, sha } : null;
  } catch {
    return null; // missing or damaged: regenerate
  }
}

/** The degraded pairs of a dataset ('Set5', 'Set14', 'B100', or 'A+B') under a benchmark setting. */
export function loadDegradedPairs(dataset: string, setting: BenchmarkSetting, opts: LoadDegradedOptions = {}): DegradedPair[] {
  const scales = new Set(setting.degradations.map(scaleOf));
  if (scales.size !== 1) throw new Error(`${setting.id}: all degradations of a setting must share one scale`);
  const [scale] = [...scales];
  const cacheRoot = opts.blindCacheDir ?? path.join(repoRoot(), '.cache', 'blind-sr');
  const out: DegradedPair[] = [];
  for (const name of dataset.split('+').map((n) => n.trim())) {
    for (const pair of loadSrPairs(name, scale, opts)) {
      out.push(...degradeOne(name, pair, setting, path.join(cacheRoot, name, setting.id), scale));
    }
  }
  return out;
}

function degradeOne(dataset: string, pair: SrPair, setting: BenchmarkSetting, dir: string, scale: number): DegradedPair[] {
  return setting.degradations.map(({ label, degradation, secondOrder }) => {
    const seed = imageSeed(setting.seed, setting.id, dataset, pair.file, label);
    const file = path.join(dir, `${pair.name}-${pair.sha256.slice(0, 16)}-${label}-${degradationCacheKey(degradation ?? secondOrder!, seed)}.png`);
    let hit = readVerified(file, pair.hr.height / scale, pair.hr.width / scale);
    if (!hit) {
      const lr = degradation ? degradeClassic(pair.hr, degradation, new Rng(seed)) : degradeSecondOrder(pair.hr, new Rng(seed), secondOrder);
      hit = { lr, sha: pixelSha256(lr) };
      writeFileAtomic(file, encodeImage(lr, 'png', file));
      writeFileAtomic(`${file}.sha256`, `${hit.sha}\n`);
    }
    return { dataset, name: pair.name, label, degradation, secondOrder, seed, hrSha256: pair.sha256, lrSha256: hit.sha, hr: pair.hr, lr: hit.lr };
  });
}

/** One digest of a whole benchmark (for run provenance): the LR checksums in order. */
export function benchmarkDigest(pairs: readonly DegradedPair[]): string {
  const h = crypto.createHash('sha256');
  for (const p of pairs) h.update(`${p.dataset}/${p.name}/${p.label}:${p.lrSha256}\n`);
  return h.digest('hex');
}
