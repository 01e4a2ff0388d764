// Writes the validation splits carved from training data, the only data hyper-parameters are
// chosen on (never the test sets):
//   T91-BSD200-val   20 SR training images: of T91 and of BSD200 separately, the files ordered by
//                    sha256 of their bytes (a content-defined, name-independent shuffle), the first
//                    6 of T91 and the first 14 of BSD200 (about 7 % of each).
//   cifar10-val      5,000 CIFAR-10 training images: the last 500 files of each class in file order
//                    (CIFAR's order is already random; the quick profile's "first 1000 per class"
//                    subset stays as it was).
//   fashion-mnist-val  5,000 Fashion-MNIST training images: the last 500 of each class in IDX order.
// Every loader of the parent datasets leaves these out of training (experiments/sisr, experiments/classification).
// Usage: npx tsx datasets/carve-val.ts   (needs the data root; Fashion-MNIST from its Debian package)
import * as crypto from 'crypto';
import * as path from 'path';
import { loadManifest, repoRoot, writeFileAtomic, type DatasetManifest, type ManifestFile } from '@kdlab/data';
import { loadFashionMnist } from '../experiments/classification/src/data/fashion-mnist';

function write(m: DatasetManifest): void {
  const { files, ...head } = m;
  // Long index lists on one line, like the file list: one entry per line.
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '').replace(/"indices": \[[\d,\s]*\]/, () => `"indices": ${JSON.stringify(head.heldOutOf?.indices)}`);
  const body = files.map((f) => `    ${JSON.stringify(f)}`).join(',\n');
  const out = path.join(repoRoot(), 'datasets', `${m.name}.json`);
  writeFileAtomic(out, `${top},\n  "files": [\n${body}\n  ]\n}\n`);
  console.log(`${out}: ${files.length} files${m.heldOutOf?.indices ? `, ${m.heldOutOf.indices.length} items` : ''}`);
}

// --- SR: T91 + BSD200 -> T91-BSD200-val (root 'sr', paths '<dataset folder>/<file>')
const SR_TAKE: Record<string, number> = { T91: 6, BSD200: 14 };
const srFiles: ManifestFile[] = [];
for (const [name, take] of Object.entries(SR_TAKE)) {
  const parent = loadManifest(name);
  const folder = parent.root.replace(/^sr\//, '');
  const chosen = [...parent.files].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1)).slice(0, take);
  srFiles.push(...chosen.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true })).map((f) => ({ ...f, path: `${folder}/${f.path}` })));
}
write({
  name: 'T91-BSD200-val',
  description: 'SR validation split carved from the training images: 6 of T91 and 14 of BSD200 (RGB PNG); left out of training whenever a config names it in data.val',
  task: 'sr',
  split: 'val',
  root: 'sr',
  license: 'as T91 (research use) and BSD200 (BSDS research terms)',
  source: { url: 'https://github.com/jiny2001/dcscn-super-resolution', note: 'files of the T91 and BSD200 manifests' },
  citation: 'T91: J. Yang et al., IEEE TIP 19(11), 2010. BSD200: D. Martin et al., ICCV 2001.',
  notes: ['Written by datasets/carve-val.ts; hyper-parameters of the SR profiles are chosen on this split, never on Set5/Set14/B100.'],
  heldOutOf: {
    datasets: ['T91', 'BSD200'],
    rule: 'per parent dataset, files ordered by the sha256 of their bytes; the first 6 of T91 and the first 14 of BSD200',
  },
  files: srFiles,
});

// --- CIFAR-10: the last 500 files of each class folder of cifar10-train
const cifarTrain = loadManifest('cifar10-train');
const byClass = new Map<string, ManifestFile[]>();
for (const f of cifarTrain.files) {
  const cls = f.path.split('/')[0];
  byClass.set(cls, [...(byClass.get(cls) ?? []), f]);
}
const cifarVal = [...byClass.values()].flatMap((files) => files.slice(-500));
write({
  name: 'cifar10-val',
  description: 'CIFAR-10 validation split carved from the training set: the last 500 images of each class (5,000), 32x32 RGB JPEG; always left out of training',
  task: 'classification',
  split: 'val',
  root: cifarTrain.root,
  license: cifarTrain.license,
  source: cifarTrain.source,
  citation: cifarTrain.citation,
  notes: ['Written by datasets/carve-val.ts; hyper-parameters of the classification profiles are chosen on this split, never on the test split.'],
  heldOutOf: { datasets: ['cifar10-train'], rule: 'the last 500 files of each class folder in file-name order (CIFAR-10 keeps its images in random order)' },
  files: cifarVal,
});

// --- Fashion-MNIST: the last 500 training images of each class in IDX order
const fm = loadFashionMnist('train');
const per = fm.height * fm.width * fm.channels;
const seen = new Array<number>(fm.classes.length).fill(0);
const indices: number[] = [];
for (let i = fm.labels.length - 1; i >= 0; i--) {
  if (seen[fm.labels[i]] < 500) {
    seen[fm.labels[i]]++;
    indices.push(i);
  }
}
indices.sort((a, b) => a - b);
const items = crypto.createHash('sha256');
for (const i of indices) items.update(fm.images.subarray(i * per, (i + 1) * per)).update(Uint8Array.of(fm.labels[i]));
const fmManifest = loadManifest('fashion-mnist');
write({
  name: 'fashion-mnist-val',
  description: 'Fashion-MNIST validation split carved from the training set: the last 500 images of each class in IDX order (5,000); always left out of training',
  task: 'classification',
  split: 'val',
  root: fmManifest.root,
  license: fmManifest.license,
  source: fmManifest.source,
  citation: fmManifest.citation,
  notes: [
    'Written by datasets/carve-val.ts. The files are the training IDX files; heldOutOf.indices are the held-out images and itemsSha256 the sha256 of their bytes (28x28 image then label byte, in index order).',
    'Hyper-parameters of the classification profiles are chosen on this split, never on the test split.',
  ],
  heldOutOf: { datasets: ['fashion-mnist'], rule: 'the last 500 images of each class in IDX order', indices, itemsSha256: items.digest('hex') },
  files: fmManifest.files.filter((f) => f.path.startsWith('train-')),
});
