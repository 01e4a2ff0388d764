// Flickr8k-1k: 1,000 Flickr8k images with five human captions each, split by image into
// train/val/test (manifests datasets/flickr8k-1k-<split>.json). An image's captions never
// cross splits; Recall@K counts any of its five captions as correct.
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import Papa from 'papaparse';
import { datasetDir, loadManifest, verifyDataset } from '@kdlab/data';
import type { DatasetProvenance } from '@kdlab/runner';

export const FLICKR8K_ROOT = 'retrieval/flickr8k-1k';
export const FLICKR8K_SPLIT = { train: 800, val: 100, test: 100 } as const;
export type SplitName = keyof typeof FLICKR8K_SPLIT;
export const CAPTIONS_PER_IMAGE = 5;

/** The fixed split: images ordered by the sha256 of their file name (content-blind, reproducible). */
export function splitImages(names: string[]): Record<SplitName, string[]> {
  const total = FLICKR8K_SPLIT.train + FLICKR8K_SPLIT.val + FLICKR8K_SPLIT.test;
  if (names.length !== total) throw new Error(`flickr8k-1k: expected ${total} images, found ${names.length}`);
  const key = (n: string) => createHash('sha256').update(n).digest('hex');
  const order = [...names].sort((a, b) => key(a).localeCompare(key(b)));
  const a = FLICKR8K_SPLIT.train;
  const b = a + FLICKR8K_SPLIT.val;
  return { train: order.slice(0, a).sort(), val: order.slice(a, b).sort(), test: order.slice(b).sort() };
}

/** One split: image files (absolute) and, per image, its five captions in file order. */
export interface RetrievalSplit {
  name: string;
  images: string[];
  files: string[];
  /** captions[i*5 + j] is caption j of image i. */
  captions: string[];
  provenance: DatasetProvenance;
}

/** A split, or its first `limit` images (in manifest order) with their captions (small test runs). */
export function loadFlickr8kSplit(split: SplitName, verify = true, limit?: number): RetrievalSplit {
  const manifest = loadManifest(`flickr8k-1k-${split}`);
  const dir = datasetDir(manifest);
  const provenance = verify ? verifyDataset(manifest.name) : { name: manifest.name, files: manifest.files.length, sha256: '' };
  const all = manifest.files.map((f) => f.path).filter((p) => p.startsWith('images/')).map((p) => p.slice('images/'.length));
  const images = limit ? all.slice(0, limit) : all;
  const captionsFile = path.join(dir, 'captions.txt');
  const parsed = Papa.parse<{ image: string; caption: string }>(fs.readFileSync(captionsFile, 'utf8'), { header: true, skipEmptyLines: true });
  if (parsed.errors.length) throw new Error(`${captionsFile}: row ${parsed.errors[0].row}: ${parsed.errors[0].message}`);
  const byImage = new Map<string, string[]>();
  for (const row of parsed.data) {
    if (typeof row.image !== 'string' || typeof row.caption !== 'string') throw new Error(`${captionsFile}: rows need the columns image,caption`);
    byImage.set(row.image, [...(byImage.get(row.image) ?? []), row.caption.trim()]);
  }
  const captions: string[] = [];
  for (const img of images) {
    const c = byImage.get(img);
    if (!c || c.length !== CAPTIONS_PER_IMAGE) throw new Error(`${captionsFile}: image ${img} has ${c?.length ?? 0} captions, expected ${CAPTIONS_PER_IMAGE}`);
    captions.push(...c);
  }
  return { name: manifest.name, images, files: images.map((i) => path.join(dir, 'images', i)), captions, provenance };
}
