// The tracking sequences on this machine, read through their dataset manifests
// (datasets/<name>.json): frames in order and one OTB box per frame (1-based x, y, w, h;
// VOT polygons converted as otb/boxes.ts says). Frames are decoded on first use and kept, so
// a process that trains and evaluates many runs decodes each frame once.
import * as path from 'path';
import { datasetDir, loadManifest, readImage, verifyDataset, type Image } from '@kdlab/data';
import { readBoxes, type Box } from './otb';

export interface Sequence {
  name: string;
  /** Absolute paths of the frames, in order. */
  frames: string[];
  /** One ground-truth box per frame. */
  boxes: Box[];
  /** Decoded frame i (cached). */
  frame(i: number): Image;
}

const GT_FILES = ['groundtruth_rect.txt', 'groundtruth.txt'];
const IMAGE = /\.(jpe?g|png)$/i;
const loaded = new Map<string, Sequence>();
const checksums = new Map<string, ReturnType<typeof verifyDataset>>();

export function loadSequence(name: string): Sequence {
  const cached = loaded.get(name);
  if (cached) return cached;
  const manifest = loadManifest(name);
  const dir = datasetDir(manifest);
  const gt = manifest.files.find((f) => GT_FILES.includes(f.path));
  if (!gt) throw new Error(`dataset ${name}: its manifest lists no ${GT_FILES.join(' or ')} (is it a tracking sequence?)`);
  const frames = manifest.files.filter((f) => IMAGE.test(f.path)).map((f) => path.join(dir, f.path)).sort();
  const boxes = readBoxes(path.join(dir, gt.path));
  if (boxes.length !== frames.length) throw new Error(`dataset ${name}: ${frames.length} frames but ${boxes.length} boxes in ${gt.path}`);
  const images = new Map<number, Image>();
  const seq: Sequence = {
    name,
    frames,
    boxes,
    frame(i) {
      if (i < 0 || i >= frames.length) throw new Error(`sequence ${name}: no frame ${i} (0..${frames.length - 1})`);
      let img = images.get(i);
      if (!img) {
        img = readImage(frames[i]);
        images.set(i, img);
      }
      return img;
    },
  };
  loaded.set(name, seq);
  return seq;
}

/** Checksum of a dataset (sequence or still-image set), once per process. */
export function datasetChecksum(name: string): ReturnType<typeof verifyDataset> {
  if (!checksums.has(name)) checksums.set(name, verifyDataset(name));
  return checksums.get(name)!;
}
