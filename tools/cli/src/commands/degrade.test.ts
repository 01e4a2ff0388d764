import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataPath, readImage } from '@kdlab/data';

// LR checksums: libs/data/golden/imresize_golden.json (numpy port of MATLAB imresize, Pillow decoding).
const golden = require('../../../../libs/data/golden/imresize_golden.json') as { set5: { name: string; scales: { scale: number; lr: number[]; lr_sha256: string }[] }[] };
const root = path.resolve(__dirname, '../../../..');
const kdlab = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

describe('kdlab degrade', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-degrade-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes MATLAB-bicubic x3 LR PNGs of real Set5 under the same names', () => {
    const out = path.join(tmp, 'x3');
    const res = kdlab('degrade', '--in', dataPath('sr/Set5'), '--out', out, '--scale', '3');
    expect(res.stderr).not.toMatch(/^kdlab:/m);
    expect(res.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['baby.png', 'bird.png', 'butterfly.png', 'head.png', 'woman.png']);
    for (const e of golden.set5) {
      const g = e.scales.find((s) => s.scale === 3)!;
      const lr = readImage(path.join(out, `${e.name}.png`));
      expect([lr.height, lr.width]).toEqual(g.lr);
      expect(crypto.createHash('sha256').update(lr.data).digest('hex')).toBe(g.lr_sha256);
    }
  });

  it('rejects a bad scale and an input folder without images', () => {
    const bad = kdlab('degrade', '--in', dataPath('sr/Set5'), '--out', path.join(tmp, 'bad'), '--scale', '2.5');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--scale must be a positive integer, got "2.5"');
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    const none = kdlab('degrade', '--in', empty, '--out', path.join(tmp, 'none'), '--scale', '2');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain(`${empty}: no PNG/JPEG/BMP images`);
  });
});
