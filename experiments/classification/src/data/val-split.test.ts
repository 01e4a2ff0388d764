// The validation splits (5,000 training images each) are never trained on, and `eval.split: val`
// scores exactly them.
import * as crypto from 'crypto';
import * as fs from 'fs';
import { dataPath, decodeImage, loadManifest } from '@kdlab/data';
import { ClassificationTaskInstance, classificationTask } from '../task';
import { CIFAR10_ROOT } from './cifar10';
import { loadFashionMnist } from './fashion-mnist';
import type { LabelledImages } from './labelled-images';
import { heldOutIndices } from './val-split';

const hashes = (d: LabelledImages) => {
  const per = d.height * d.width * d.channels;
  return Array.from({ length: d.labels.length }, (_, i) => crypto.createHash('sha1').update(d.images.subarray(i * per, (i + 1) * per)).digest('hex'));
};

describe('validation split carved from the training set', () => {
  it('CIFAR-10: training keeps 45,000 images, none of the 5,000 held out; eval.split=val scores those files', async () => {
    const parse = (e: object) => classificationTask.evalSchema.parse(e);
    const data = classificationTask.dataSchema.parse({ dataset: 'cifar10', batch: 8 });
    const inst = (await classificationTask.create(data, parse({ split: 'val' }))) as ClassificationTaskInstance;
    expect(inst.train.labels.length).toBe(45000);
    expect(inst.test.labels.length).toBe(5000);
    expect(Array.from(inst.test.labels.subarray(0, 1))).toEqual([0]);
    // The scored images are the manifest's files, decoded: first and last.
    const files = loadManifest('cifar10-val').files;
    for (const [i, f] of [[0, files[0]], [4999, files[4999]]] as const) {
      const file = dataPath(`${CIFAR10_ROOT}/train/${f.path}`);
      const img = decodeImage(fs.readFileSync(file), file);
      expect(Buffer.from(inst.test.images.subarray(i * 3072, (i + 1) * 3072)).equals(Buffer.from(img.data))).toBe(true);
    }
    // No held-out image is among the training images (CIFAR-10 has no exact duplicates across these).
    const train = new Set(hashes(inst.train));
    const held = hashes(inst.test);
    expect(held.filter((h) => train.has(h))).toEqual([]);
    expect(inst.tags['kdlab.eval_split']).toBe('val: cifar10-val');
    const scored = await inst.evaluate({ kind: 'model', predict: (x) => x.reshape([x.shape[0]!, -1]).slice([0, 0], [-1, 10]) });
    expect(Object.keys(scored.metrics)).toEqual(['eval/cifar10-val/top1']);
    expect(inst.datasets().map((d) => d.name)).toEqual(['cifar10-train', 'cifar10-val']);
    // The quick profile's "first 1000 per class" comes from the remaining 45,000.
    const quick = (await classificationTask.create({ ...data, trainPerClass: 1000 }, parse({ testPerClass: 10 }))) as ClassificationTaskInstance;
    expect(quick.train.labels.length).toBe(10000);
    const heldSet = new Set(held);
    expect(hashes(quick.train).filter((h) => heldSet.has(h))).toEqual([]);
  }, 120000);

  it('Fashion-MNIST: 55,000 training images; the held-out items are checked against their sha256', async () => {
    const data = classificationTask.dataSchema.parse({ dataset: 'fashion-mnist', batch: 8 });
    const inst = (await classificationTask.create(data, classificationTask.evalSchema.parse({ split: 'val' }))) as ClassificationTaskInstance;
    expect([inst.train.labels.length, inst.test.labels.length]).toEqual([55000, 5000]);
    const counts = new Array(10).fill(0);
    inst.test.labels.forEach((l) => counts[l]++);
    expect(counts).toEqual(new Array(10).fill(500));
    const train = loadFashionMnist('train');
    const { indices } = heldOutIndices('fashion-mnist', train);
    train.images[indices[17] * 784 + 300] ^= 1; // one bit of one held-out image
    expect(() => heldOutIndices('fashion-mnist', train)).toThrow(/fashion-mnist-val\.json: the held-out images hash to [0-9a-f]{64}, not heldOutOf.itemsSha256/);
  }, 120000);
});
