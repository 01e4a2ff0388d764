import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listManifests, loadManifest } from './manifest';
import { datasetDigest, hashDatasetFiles, verifyDataset } from './verify';
import { dataRoot } from './root';

describe('dataset manifests', () => {
  it('declares the SR datasets with licence, source and citation', () => {
    expect(listManifests()).toEqual(expect.arrayContaining(['B100', 'BSD200', 'DIV2K', 'Set14', 'Set5', 'T91']));
    for (const name of ['Set5', 'Set14', 'B100', 'T91', 'BSD200', 'DIV2K']) {
      const m = loadManifest(name);
      expect(m.license.length).toBeGreaterThan(5);
      expect(m.source.url).toMatch(/^https:\/\//);
      expect(m.citation.length).toBeGreaterThan(20);
    }
    expect(loadManifest('Set5').files.map((f) => f.path)).toEqual(['baby.png', 'bird.png', 'butterfly.png', 'head.png', 'woman.png']);
    expect(loadManifest('B100').files).toHaveLength(100);
    expect(loadManifest('T91').files).toHaveLength(91);
    expect(loadManifest('BSD200').files).toHaveLength(200);
  });

  it('DIV2K says why it has no checksums, and using it says how to record them', () => {
    const m = loadManifest('DIV2K');
    expect(m.files).toEqual([]);
    expect(m.filesNote).toMatch(/no file checksums/);
    expect(() => verifyDataset('DIV2K')).toThrow(/lists no files[\s\S]*datasets\/hash\.ts DIV2K/);
  });

  it('names an unknown manifest and lists the known ones', () => {
    expect(() => loadManifest('Set6')).toThrow(/no dataset manifest "Set6".*known: .*Set5/);
  });

  it('the committed checksums match the data root (what datasets/hash.ts would write)', () => {
    for (const name of ['Set5', 'Set14']) expect(hashDatasetFiles(name)).toEqual(loadManifest(name).files);
  });

  it('verifyDataset returns a stable fingerprint', () => {
    const v = verifyDataset('Set5');
    expect(v).toEqual({ name: 'Set5', files: 5, sha256: datasetDigest(loadManifest('Set5')) });
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  describe('with a damaged copy of Set5 as data root', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-verify-'));
    const set5 = path.join(root, 'sr', 'Set5');
    beforeEach(() => {
      fs.rmSync(root, { recursive: true, force: true });
      fs.cpSync(path.join(dataRoot(), 'sr', 'Set5'), set5, { recursive: true });
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
    const env = { KDLAB_DATA_ROOT: root };

    it('names a modified file', () => {
      const bird = path.join(set5, 'bird.png');
      const bytes = fs.readFileSync(bird);
      bytes[bytes.length - 100] ^= 0xff;
      fs.writeFileSync(bird, bytes);
      expect(() => verifyDataset('Set5', env)).toThrow(new RegExp(`${bird.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: sha256 [0-9a-f]{64} does not match the Set5 manifest`));
    });

    it('names a missing file', () => {
      fs.rmSync(path.join(set5, 'head.png'));
      expect(() => verifyDataset('Set5', env)).toThrow(/head\.png: not found/);
    });
  });
});
