// SR pairs of a manifest dataset: HR mod-cropped to the scale, LR = MATLAB bicubic of the HR.
// Generated LR images are cached as PNG under <repo>/.cache/sr/<dataset>/x<s>/, keyed by
// the HR file's sha256 and the resize algorithm's version, so repeated runs skip the resize
// and an LR made by an older imresize (v1 mirrored the border) is never read.
import * as fs from 'fs';
import * as path from 'path';
import { decodeImage, writeImage } from './codec';
import type { Image } from './image';
import { IMRESIZE_VERSION, imresizeBicubic } from './imresize';
import { loadManifest, manifestFiles } from './manifest';
import { modcrop } from './modcrop';
import { repoRoot } from './root';
import { checkFile, readFileNamed } from './verify';

export interface SrPair {
  /** File stem, e.g. 'baby'. */
  name: string;
  /** The HR file's path relative to its manifest's root (e.g. 'T91/t1.png') and its sha256. */
  file: string;
  sha256: string;
  hr: Image;
  lr: Image;
}

export interface LoadSrPairsOptions {
  /** Where generated LR images are cached; default <repo>/.cache/sr. */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Cache file name of one LR image. IMRESIZE_VERSION is in the name (bump it when the LR generation
 * changes); names of the first version ended in `-v1.png` and are never matched again.
 */
export function srLrCacheName(stemName: string, hrSha256: string): string {
  return `${stemName}-${hrSha256.slice(0, 16)}-lr-${IMRESIZE_VERSION}.png`;
}

export function defaultSrCacheDir(): string {
  return path.join(repoRoot(), '.cache', 'sr');
}

function stem(file: string): string {
  return path.basename(file, path.extname(file));
}

/** The cached LR when it is present, decodable and of the right size; otherwise null. */
function readCachedLr(file: string, height: number, width: number, channels: number): Image | null {
  if (!fs.existsSync(file)) return null;
  try {
    const lr = decodeImage(fs.readFileSync(file), file);
    return lr.height === height && lr.width === width && lr.channels === channels ? lr : null;
  } catch {
    return null; // a damaged cache entry is regenerated, never trusted
  }
}

function loadOne(dataset: string, scale: number, opts: LoadSrPairsOptions): SrPair[] {
  const manifest = loadManifest(dataset);
  const cacheDir = path.join(opts.cacheDir ?? defaultSrCacheDir(), dataset, `x${scale}`);
  return manifestFiles(manifest, opts.env).map(({ file, entry }) => {
    const bytes = readFileNamed(file);
    const digest = checkFile(file, bytes, entry, dataset);
    const hr = modcrop(decodeImage(bytes, file), scale);
    const cached = path.join(cacheDir, srLrCacheName(stem(file), digest));
    let lr = readCachedLr(cached, hr.height / scale, hr.width / scale, hr.channels);
    if (!lr) {
      lr = imresizeBicubic(hr, 1 / scale);
      writeImage(cached, lr);
    }
    return { name: stem(file), file: entry.path, sha256: digest, hr, lr };
  });
}

/**
 * Pairs of a dataset named by its manifest ('Set5', 'Set14', 'B100', 'T91', 'BSD200'), or
 * several joined by '+' ('T91+BSD200'). Every HR file is checked against the manifest's sha256;
 * a missing, altered or undecodable file is an error naming it.
 */
export function loadSrPairs(dataset: string, scale: number, opts: LoadSrPairsOptions = {}): SrPair[] {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`loadSrPairs: scale must be a positive integer, got ${scale}`);
  return dataset.split('+').flatMap((name) => loadOne(name.trim(), scale, opts));
}
