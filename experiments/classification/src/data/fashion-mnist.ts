// Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 60k train / 10k test 28x28 grey
// images of 10 clothing classes, read from the IDX files of Debian's
// `dataset-fashion-mnist` package (installed by `tools/provision/setup.sh
// --with-fashion-mnist`) under /usr/share/datasets/fashion-mnist/, or from
// KDLAB_FASHION_MNIST_DIR. The files are checked against the manifest
// datasets/fashion-mnist.json.
import * as fs from 'fs';
import * as path from 'path';
import { checkFile, datasetDigest, loadManifest } from '@kdlab/data';
import { readIdx } from './idx';
import { assertLabelledImages, type LabelledImages } from './labelled-images';

export type FashionMnistSplit = 'train' | 'test';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;
export const FASHION_MNIST_MANIFEST = 'fashion-mnist';
const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

const FILES: Record<FashionMnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export function fashionMnistDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.KDLAB_FASHION_MNIST_DIR || DEBIAN_DIR;
  if (!fs.existsSync(dir)) {
    throw new Error(`Fashion-MNIST: ${dir} not found; install it with \`bash tools/provision/setup.sh --with-fashion-mnist\` (Debian package dataset-fashion-mnist) or set KDLAB_FASHION_MNIST_DIR`);
  }
  return dir;
}

/** The file as shipped: gzip-compressed (`.gz`) or not. */
function locate(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  throw new Error(`Fashion-MNIST: neither ${stem}.gz nor ${stem} in ${dir}`);
}

export interface FashionMnist extends LabelledImages {
  split: FashionMnistSplit;
  provenance: { name: string; files: number; sha256: string };
}

export function loadFashionMnist(split: FashionMnistSplit, env: NodeJS.ProcessEnv = process.env): FashionMnist {
  const dir = fashionMnistDir(env);
  const manifest = loadManifest(FASHION_MNIST_MANIFEST);
  const check = (file: string) => {
    const entry = manifest.files.find((f) => f.path === path.basename(file));
    if (!entry) throw new Error(`${file}: not listed in datasets/${FASHION_MNIST_MANIFEST}.json`);
    checkFile(file, fs.readFileSync(file), entry, FASHION_MNIST_MANIFEST);
    return file;
  };
  const imagesFile = check(locate(dir, FILES[split].images));
  const labelsFile = check(locate(dir, FILES[split].labels));
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  if (images.shape.length !== 3 || labels.shape.length !== 1 || images.shape[0] !== labels.shape[0]) {
    throw new Error(`Fashion-MNIST ${split}: images [${images.shape}] (${imagesFile}) and labels [${labels.shape}] (${labelsFile}) do not pair up`);
  }
  const data: FashionMnist = {
    split, images: images.data, labels: labels.data, height: images.shape[1], width: images.shape[2], channels: 1,
    classes: FASHION_MNIST_CLASSES,
    provenance: { name: FASHION_MNIST_MANIFEST, files: manifest.files.length, sha256: datasetDigest(manifest) },
  };
  assertLabelledImages(data, imagesFile);
  return data;
}
