// Real data: Fashion-MNIST from the Debian package and CIFAR-10 from the data
// root. The expected counts are the datasets' documented sizes (60k/10k,
// 6000 / 1000 per class for Fashion-MNIST and CIFAR-10 test).
import * as fs from 'fs';
import { datasetDigest, loadManifest } from '@kdlab/data';
import { loadFashionMnist } from './fashion-mnist';
import { cifar10CacheDir, loadCifar10 } from './cifar10';
import { balancedSubset } from './labelled-images';

const perClass = (labels: Uint8Array, classes: number) => {
  const n = new Array<number>(classes).fill(0);
  labels.forEach((l) => n[l]++);
  return n;
};

describe('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('reads the train and test IDX files, checked against the manifest', () => {
    const train = loadFashionMnist('train');
    expect([train.labels.length, train.height, train.width, train.channels]).toEqual([60000, 28, 28, 1]);
    expect(perClass(train.labels, 10)).toEqual(new Array(10).fill(6000));
    const test = loadFashionMnist('test');
    expect(perClass(test.labels, 10)).toEqual(new Array(10).fill(1000));
    expect(train.provenance.sha256).toBe(datasetDigest(loadManifest('fashion-mnist')));
  });

  it('says how to install it when the folder is missing', () => {
    expect(() => loadFashionMnist('test', { KDLAB_FASHION_MNIST_DIR: '/nonexistent/fmnist' })).toThrow(/--with-fashion-mnist/);
  });
});

describe('CIFAR-10 (JPEG folders, decoded once into a cache)', () => {
  it('loads the test split from the cache; its digest is the manifest digest', () => {
    const test = loadCifar10('test');
    expect([test.labels.length, test.height, test.width, test.channels]).toEqual([10000, 32, 32, 3]);
    expect(perClass(test.labels, 10)).toEqual(new Array(10).fill(1000));
    expect(test.provenance.sha256).toBe(datasetDigest(loadManifest('cifar10-test')));
    expect(fs.readdirSync(cifar10CacheDir()).some((f) => /^test-[0-9a-f]{16}\.bin$/.test(f))).toBe(true);
    // Real photos: neither blank nor saturated.
    const mean = test.images.reduce((a, b) => a + b, 0) / test.images.length;
    expect(mean).toBeGreaterThan(80);
    expect(mean).toBeLessThan(170);
  });

  it('a balanced subset keeps the first images of each class in order', () => {
    const test = loadCifar10('test');
    const sub = balancedSubset(test, 3);
    expect(perClass(sub.labels, 10)).toEqual(new Array(10).fill(3));
    const per = 32 * 32 * 3;
    // The first image of class 1 (automobile) is image 1000 of the split.
    const i = sub.labels.indexOf(1);
    expect(Array.from(sub.images.subarray(i * per, (i + 1) * per))).toEqual(Array.from(test.images.subarray(1000 * per, 1001 * per)));
  });
});
