// CIFAR-10 from the JPEG folders of the data root (`classification/cifar10/
// {train,test}/<class>/*.jpg`, 32x32 RGB). Decoding 60k JPEGs takes a while,
// so each split is decoded once into a compact binary cache under
// `<repo>/.cache/cifar10/`: images (N*32*32*3 bytes) then labels (N bytes),
// with a JSON header. The cache is keyed by a checksum of the file list
// (relative paths and byte sizes) and the decoder, so changed data or a
// different decoder never reads a stale cache. The header also records the
// sha256 of the files' bytes (computed while decoding) for run provenance.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { dataPath, decodeImage, repoRoot, writeFileAtomic } from '@kdlab/data';
import { assertLabelledImages, type LabelledImages } from './labelled-images';

export type Cifar10Split = 'train' | 'test';

/** Relative folder of CIFAR-10 under the data root. */
export const CIFAR10_ROOT = 'classification/cifar10';
/** The canonical class order (CIFAR's label indices), which is also alphabetical. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;
/** Bump when the decoding changes, so old caches are not read. */
const DECODER = 'kdlab-data.decodeImage(tf.node libjpeg-turbo) v1';

interface CacheHeader {
  split: Cifar10Split;
  count: number;
  height: number;
  width: number;
  channels: 3;
  classes: string[];
  listKey: string;
  /** sha256 over "path sha256" lines of every file in list order: the digest of the manifest `cifar10-<split>`. */
  contentSha256: string;
  decoder: string;
}

export interface Cifar10 extends LabelledImages {
  split: Cifar10Split;
  /** Each image's file, relative to the split folder ('airplane/0000.jpg'), in image order. */
  paths: string[];
  provenance: { name: string; files: number; sha256: string };
}

interface ListedFile {
  rel: string;
  abs: string;
  label: number;
  bytes: number;
}

function listSplit(split: Cifar10Split): ListedFile[] {
  const dir = dataPath(`${CIFAR10_ROOT}/${split}`);
  const found = fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory()).sort();
  if (found.join(',') !== CIFAR10_CLASSES.join(',')) {
    throw new Error(`${dir}: expected the class folders ${CIFAR10_CLASSES.join(', ')}, found ${found.join(', ') || '(none)'}`);
  }
  const files: ListedFile[] = [];
  CIFAR10_CLASSES.forEach((cls, label) => {
    const names = fs.readdirSync(path.join(dir, cls)).filter((f) => /\.jpe?g$/i.test(f)).sort();
    for (const name of names) {
      const abs = path.join(dir, cls, name);
      files.push({ rel: `${cls}/${name}`, abs, label, bytes: fs.statSync(abs).size });
    }
  });
  return files;
}

function listKey(files: ListedFile[]): string {
  const h = crypto.createHash('sha256').update(`${DECODER}\n${files.length}\n`);
  for (const f of files) h.update(`${f.rel} ${f.bytes}\n`);
  return h.digest('hex');
}

export function cifar10CacheDir(): string {
  return path.join(repoRoot(), '.cache', 'cifar10');
}

function decodeAll(split: Cifar10Split, files: ListedFile[], key: string): { header: CacheHeader; images: Uint8Array; labels: Uint8Array } {
  const per = 32 * 32 * 3;
  const images = new Uint8Array(files.length * per);
  const labels = new Uint8Array(files.length);
  const content = crypto.createHash('sha256');
  files.forEach((f, i) => {
    const bytes = fs.readFileSync(f.abs);
    content.update(`${f.rel} ${crypto.createHash('sha256').update(bytes).digest('hex')}\n`);
    const img = decodeImage(bytes, f.abs);
    if (img.height !== 32 || img.width !== 32 || img.channels !== 3) {
      throw new Error(`${f.abs}: expected a 32x32 RGB image, got ${img.height}x${img.width}x${img.channels}`);
    }
    images.set(img.data, i * per);
    labels[i] = f.label;
  });
  const header: CacheHeader = {
    split, count: files.length, height: 32, width: 32, channels: 3, classes: [...CIFAR10_CLASSES],
    listKey: key, contentSha256: content.digest('hex'), decoder: DECODER,
  };
  return { header, images, labels };
}

/**
 * One split of CIFAR-10 as uint8 HWC images and labels. The first call per
 * split decodes the JPEGs (about a minute for train) and writes the cache;
 * later calls read the cache (well under a second).
 */
export function loadCifar10(split: Cifar10Split, opts: { cacheDir?: string; log?: (line: string) => void } = {}): Cifar10 {
  const files = listSplit(split);
  if (files.length === 0) throw new Error(`${dataPath(`${CIFAR10_ROOT}/${split}`)}: no JPEG files`);
  const key = listKey(files);
  const dir = opts.cacheDir ?? cifar10CacheDir();
  const base = path.join(dir, `${split}-${key.slice(0, 16)}`);
  let header: CacheHeader;
  let images: Uint8Array;
  let labels: Uint8Array;
  if (fs.existsSync(`${base}.json`) && fs.existsSync(`${base}.bin`)) {
    header = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as CacheHeader;
    const bin = fs.readFileSync(`${base}.bin`);
    const per = header.height * header.width * header.channels;
    if (header.listKey !== key || bin.length !== header.count * (per + 1)) {
      throw new Error(`${base}.bin: the cache does not match its header (delete ${dir} to rebuild it)`);
    }
    const bytes = new Uint8Array(bin.buffer, bin.byteOffset, bin.length);
    images = bytes.subarray(0, header.count * per);
    labels = bytes.subarray(header.count * per);
  } else {
    opts.log?.(`decoding ${files.length} CIFAR-10 ${split} JPEGs into ${base}.bin (once)`);
    ({ header, images, labels } = decodeAll(split, files, key));
    const bin = new Uint8Array(images.length + labels.length);
    bin.set(images, 0);
    bin.set(labels, images.length);
    // The binary first: a header is only ever next to a complete cache.
    writeFileAtomic(`${base}.bin`, bin);
    writeFileAtomic(`${base}.json`, `${JSON.stringify(header, null, 2)}\n`);
  }
  const data: Cifar10 = {
    split, paths: files.map((f) => f.rel), images, labels, height: 32, width: 32, channels: 3, classes: CIFAR10_CLASSES,
    provenance: { name: `cifar10-${split}`, files: header.count, sha256: header.contentSha256 },
  };
  assertLabelledImages(data, `${base}.bin`);
  return data;
}
