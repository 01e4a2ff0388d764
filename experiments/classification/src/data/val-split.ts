// The validation split of each dataset, carved from its training set (datasets/cifar10-val.json,
// datasets/fashion-mnist-val.json, written by datasets/carve-val.ts): 5,000 training images that
// are never trained on. Hyper-parameters are chosen on them (eval.split: val), never on the test split.
import * as crypto from 'crypto';
import { datasetDigest, loadManifest } from '@kdlab/data';
import type { ClassificationDataset } from '../schema';
import type { LoadedSplit } from './load';

export const VAL_MANIFEST: Record<ClassificationDataset, string> = { cifar10: 'cifar10-val', 'fashion-mnist': 'fashion-mnist-val' };

export interface HeldOut {
  /** Sorted indices into the training split. */
  indices: number[];
  provenance: { name: string; files: number; sha256: string };
}

/** Where the validation images sit in the loaded training split; an error names what does not match. */
export function heldOutIndices(dataset: ClassificationDataset, train: LoadedSplit): HeldOut {
  const name = VAL_MANIFEST[dataset];
  const m = loadManifest(name);
  const file = `datasets/${name}.json`;
  if (!m.heldOutOf) throw new Error(`${file}: not a validation split (no heldOutOf)`);
  if (m.heldOutOf.indices) {
    // One-file datasets (IDX): indices, checked against the sha256 of the held-out images and labels.
    const indices = [...m.heldOutOf.indices].sort((a, b) => a - b);
    const per = train.height * train.width * train.channels;
    const h = crypto.createHash('sha256');
    for (const i of indices) {
      if (i >= train.labels.length) throw new Error(`${file}: index ${i} is outside the ${train.labels.length} training images`);
      h.update(train.images.subarray(i * per, (i + 1) * per)).update(Uint8Array.of(train.labels[i]));
    }
    const digest = h.digest('hex');
    if (digest !== m.heldOutOf.itemsSha256) throw new Error(`${file}: the held-out images hash to ${digest}, not heldOutOf.itemsSha256 ${m.heldOutOf.itemsSha256}`);
    return { indices, provenance: { name, files: indices.length, sha256: digest } };
  }
  if (!train.paths) throw new Error(`${file}: lists files, but the ${dataset} loader does not report file paths`);
  const at = new Map(train.paths.map((p, i) => [p, i]));
  const indices = m.files.map((f) => {
    const i = at.get(f.path);
    if (i === undefined) throw new Error(`${file}: ${f.path} is not in the ${dataset} training split`);
    return i;
  }).sort((a, b) => a - b);
  return { indices, provenance: { name, files: m.files.length, sha256: datasetDigest(m) } };
}
