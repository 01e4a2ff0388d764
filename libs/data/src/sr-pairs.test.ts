import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSrPairs, srLrCacheName } from './sr-pairs';
import { IMRESIZE_VERSION } from './imresize';
import { encodeImage } from './codec';
import { dataRoot } from './root';

// LR checksums: libs/data/golden/imresize_golden.json (numpy port of MATLAB imresize).
const golden = require('../golden/imresize_golden.json') as { set5: { name: string; scales: { scale: number; lr: number[]; lr_sha256: string }[] }[] };
const sha = (d: Uint8Array) => crypto.createHash('sha256').update(d).digest('hex');

describe('loadSrPairs', () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-srcache-'));
  afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('gives mod-cropped HR and MATLAB-bicubic LR for Set5, and caches the LR', () => {
    const pairs = loadSrPairs('Set5', 3, { cacheDir });
    expect(pairs.map((p) => p.name)).toEqual(['baby', 'bird', 'butterfly', 'head', 'woman']);
    for (const p of pairs) {
      expect(p.hr.height % 3).toBe(0);
      expect([p.lr.height * 3, p.lr.width * 3]).toEqual([p.hr.height, p.hr.width]);
      const g = golden.set5.find((e) => e.name === p.name)!.scales.find((s) => s.scale === 3)!;
      expect(sha(p.lr.data)).toBe(g.lr_sha256);
    }
    const cached = fs.readdirSync(path.join(cacheDir, 'Set5', 'x3'));
    expect(cached).toHaveLength(5);
    expect(cached.every((f) => f.endsWith('.png'))).toBe(true);

    // Second load reads the cache (a cached file that is deliberately replaced by a valid but
    // different image is what the loader returns), so a repeated run skips the resize.
    const again = loadSrPairs('Set5', 3, { cacheDir });
    expect(again.map((p) => sha(p.lr.data))).toEqual(pairs.map((p) => sha(p.lr.data)));
  });

  it('never reads an LR cached by an older imresize (v1 mirrored the border): the key holds the version', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-srcache-old-'));
    try {
      const hrSha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(dataRoot(), 'sr', 'Set5', f))).digest('hex');
      const digest = hrSha('baby.png');
      // What the first version wrote: <stem>-<sha16>-v1.png, here a valid PNG of the right
      // size with the wrong pixels (a v1 LR differs only at the border, so any reuse shows).
      const g = golden.set5.find((e) => e.name === 'baby')!.scales.find((s) => s.scale === 2)!;
      const [h, w] = g.lr;
      const stale = { data: new Uint8Array(h * w * 3).fill(7), height: h, width: w, channels: 3 as const };
      fs.mkdirSync(path.join(dir, 'Set5', 'x2'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'Set5', 'x2', `baby-${digest.slice(0, 16)}-v1.png`), encodeImage(stale, 'png'));
      const baby = loadSrPairs('Set5', 2, { cacheDir: dir })[0];
      expect(sha(baby.lr.data)).toBe(g.lr_sha256);
      expect(srLrCacheName('baby', digest)).toContain(IMRESIZE_VERSION);
      expect(fs.existsSync(path.join(dir, 'Set5', 'x2', srLrCacheName('baby', digest)))).toBe(true);
      // And the current key is what is read back: a valid image put there is returned as is.
      fs.writeFileSync(path.join(dir, 'Set5', 'x2', srLrCacheName('baby', digest)), encodeImage(stale, 'png'));
      expect(loadSrPairs('Set5', 2, { cacheDir: dir })[0].lr.data[0]).toBe(7);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('regenerates a damaged cache entry instead of trusting it', () => {
    const dir = path.join(cacheDir, 'Set5', 'x3');
    const bird = fs.readdirSync(dir).find((f) => f.startsWith('bird-'))!;
    fs.writeFileSync(path.join(dir, bird), fs.readFileSync(path.join(dir, bird)).subarray(0, 100));
    const pairs = loadSrPairs('Set5', 3, { cacheDir });
    const g = golden.set5.find((e) => e.name === 'bird')!.scales.find((s) => s.scale === 3)!;
    expect(sha(pairs[1].lr.data)).toBe(g.lr_sha256);
    expect(fs.statSync(path.join(dir, bird)).size).toBeGreaterThan(1000);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('joins datasets with + and keeps grey images grey (Set14 bridge)', () => {
    const pairs = loadSrPairs('Set5+Set14', 4, { cacheDir });
    expect(pairs).toHaveLength(19);
    const bridge = pairs.find((p) => p.name === 'bridge')!;
    expect([bridge.hr.channels, bridge.lr.channels]).toEqual([1, 1]);
    expect([bridge.lr.height, bridge.lr.width]).toEqual([128, 128]);
  });

  it('names a file that is truncated in the data root', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-bad-'));
    try {
      fs.cpSync(path.join(dataRoot(), 'sr', 'Set5'), path.join(root, 'sr', 'Set5'), { recursive: true });
      const woman = path.join(root, 'sr', 'Set5', 'woman.png');
      fs.writeFileSync(woman, fs.readFileSync(woman).subarray(0, 5000));
      expect(() => loadSrPairs('Set5', 2, { cacheDir, env: { KDLAB_DATA_ROOT: root } })).toThrow(`${woman}: sha256`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('rejects a non-integer scale', () => {
    expect(() => loadSrPairs('Set5', 2.5, { cacheDir })).toThrow(/positive integer/);
  });
});
