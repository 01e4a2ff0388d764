import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataPath, modcrop, readImage } from '@kdlab/data';

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

// Reference: libs/data/golden/kdsr_degrade.py, an independent numpy re-implementation of the
// released DASR/KDSR degradation (float32 on the 0-1 scale, as their code runs), through the venv.
describe('kdlab degrade --blur (DASR/KDSR classic degradation)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-degrade-blur-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const python = path.join(root, '.venv/bin/python');

  it('--blur iso --sigma 2.6 --kernel-size 21 --scale 4 matches the released pipeline on Set5 baby up to rounding ties', () => {
    const inDir = path.join(tmp, 'in');
    fs.mkdirSync(inDir);
    fs.symlinkSync(dataPath('sr/Set5/baby.png'), path.join(inDir, 'baby.png'));
    const out = path.join(tmp, 'iso');
    const res = kdlab('degrade', '--in', inDir, '--out', out, '--scale', '4', '--blur', 'iso', '--sigma', '2.6', '--kernel-size', '21');
    expect(res.stderr).not.toMatch(/^kdlab:/m);
    expect(res.status).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['baby.png']);
    const lr = readImage(path.join(out, 'baby.png'));

    const hr = modcrop(readImage(dataPath('sr/Set5/baby.png')), 4);
    fs.writeFileSync(path.join(tmp, 'hr.bin'), hr.data);
    const ref = spawnSync(python, [path.join(root, 'libs/data/golden/kdsr_degrade.py'), 'raw', path.join(tmp, 'hr.bin'), path.join(tmp, 'lr.bin'),
      String(hr.height), String(hr.width), String(hr.channels), '2.6', '4', '21'], { encoding: 'utf8' });
    expect(ref.stderr).toBe('');
    expect(ref.status).toBe(0);
    const want = fs.readFileSync(path.join(tmp, 'lr.bin'));
    expect([lr.height, lr.width]).toEqual([hr.height / 4, hr.width / 4]);
    expect(lr.data.length).toBe(want.length);
    let same = 0;
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(lr.data[i] - want[i]);
      worst = Math.max(worst, d);
      if (d === 0) same++;
    }
    // float64 here vs float32 in the reference: only values within ~1e-4 of a .5 tie may round apart.
    console.log(`kdlab degrade vs numpy/KDSR reference, baby x4 σ 2.6: ${want.length - same} of ${want.length} values differ, max ${worst}`);
    expect(worst).toBeLessThanOrEqual(1);
    expect(same / want.length).toBeGreaterThanOrEqual(0.999);
  });

  it('anisotropic blur plus noise is reproducible from --seed and changes with it', () => {
    const inDir = path.join(tmp, 'in2');
    fs.mkdirSync(inDir);
    fs.symlinkSync(dataPath('sr/Set5/head.png'), path.join(inDir, 'head.png'));
    const run = (seed: string, dir: string) => {
      const res = kdlab('degrade', '--in', inDir, '--out', path.join(tmp, dir), '--scale', '4', '--blur', 'aniso', '--lambda1', '3.5',
        '--lambda2', '1.5', '--theta', '30', '--noise', '10', '--seed', seed);
      expect(res.status).toBe(0);
      return readImage(path.join(tmp, dir, 'head.png')).data;
    };
    const a = run('1', 'a');
    expect(run('1', 'b')).toEqual(a);
    expect(run('2', 'c')).not.toEqual(a);
  });

  it.each([
    [['--blur', 'iso', '--sigma', '-1'], '--sigma must be a positive number, got "-1"'],
    [['--blur', 'iso', '--sigma', '2', '--kernel-size', '20'], '--kernel-size must be an odd positive integer, got "20"'],
    [['--blur', 'gauss', '--sigma', '2'], '--blur must be iso or aniso, got "gauss"'],
    [['--sigma', '2'], '--sigma needs --blur iso'],
    [['--blur', 'aniso', '--lambda1', '2'], '--blur aniso needs --lambda1 and --lambda2'],
    [['--blur', 'iso', '--sigma', '2', '--noise', 'x'], '--noise must be a number >= 0'],
    [['--blur', 'iso', '--sigma', '2', '--jpeg', '101'], '--jpeg must be an integer quality in [1, 100], got "101"'],
  ])('rejects %j naming the flag', (args, message) => {
    const res = kdlab('degrade', '--in', dataPath('sr/Set5'), '--out', path.join(tmp, 'bad'), '--scale', '4', ...args);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(message);
    expect(fs.existsSync(path.join(tmp, 'bad'))).toBe(false);
  });
});
