// Validation splits carved from training data (manifests with `heldOutOf`, written by
// datasets/carve-val.ts): each item really is one of its parent's files, with the same bytes.
import * as path from 'path';
import { heldOutSha256s, listManifests, loadManifest } from './manifest';
import { verifyDataset } from './verify';

const splits = listManifests().map(loadManifest).filter((m) => m.heldOutOf);

describe('held-out validation splits', () => {
  it('exist for SR (T91+BSD200), CIFAR-10 and Fashion-MNIST', () => {
    expect(splits.map((m) => m.name).sort()).toEqual(expect.arrayContaining(['T91-BSD200-val', 'cifar10-val', 'fashion-mnist-val']));
    for (const m of splits) {
      expect(m.split).toBe('val');
      expect(m.heldOutOf!.rule.length).toBeGreaterThan(20);
    }
  });

  it.each(splits.map((m) => [m.name, m] as const))('%s: every file is a file of a parent dataset with the same sha256', (_name, m) => {
    const parents = m.heldOutOf!.datasets.map(loadManifest);
    const byLocation = new Map(parents.flatMap((p) => p.files.map((f) => [path.posix.join(p.root, f.path), f.sha256] as const)));
    for (const f of m.files) expect([f.path, byLocation.get(path.posix.join(m.root, f.path))]).toEqual([f.path, f.sha256]);
  });

  it('T91-BSD200-val follows its rule (first 6 of T91 and 14 of BSD200 by sha256) and matches the data root', () => {
    const m = loadManifest('T91-BSD200-val');
    for (const [parent, take] of [['T91', 6], ['BSD200', 14]] as const) {
      const expected = [...loadManifest(parent).files].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1)).slice(0, take).map((f) => f.sha256).sort();
      expect(m.files.filter((f) => f.path.startsWith(`${parent}/`)).map((f) => f.sha256).sort()).toEqual(expected);
    }
    expect(verifyDataset('T91-BSD200-val').files).toBe(20);
  });

  it('cifar10-val is the last 500 training images of each class (5,000) and matches the data root', () => {
    const m = loadManifest('cifar10-val');
    const train = loadManifest('cifar10-train');
    expect(m.files).toHaveLength(5000);
    const classes = [...new Set(train.files.map((f) => f.path.split('/')[0]))];
    for (const cls of classes) {
      const all = train.files.filter((f) => f.path.startsWith(`${cls}/`));
      expect(m.files.filter((f) => f.path.startsWith(`${cls}/`))).toEqual(all.slice(-500));
    }
    expect(verifyDataset('cifar10-val').files).toBe(5000);
  });

  it('fashion-mnist-val holds 5,000 distinct training indices and a checksum of their contents', () => {
    const h = loadManifest('fashion-mnist-val').heldOutOf!;
    expect(new Set(h.indices).size).toBe(5000);
    expect(Math.max(...h.indices!)).toBeLessThan(60000);
    expect(h.itemsSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('heldOutSha256s gives the split files\' hashes and refuses a manifest that is not a split, naming it', () => {
    const val = loadManifest('T91-BSD200-val');
    expect(heldOutSha256s(['T91-BSD200-val'], 'x task')).toEqual(new Set(val.files.map((f) => f.sha256)));
    expect(() => heldOutSha256s(['Set5'], 'x task')).toThrow(/x task: config.data.val names Set5, which is not a validation split/);
  });
});
