import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataPath, imresizeBicubic, modcrop, readImage, writeImage } from '@kdlab/data';

// Expected values: libs/metrics/golden/set5_bicubic.json (independent numpy/scipy reference).
const golden = require('../../../../libs/metrics/golden/set5_bicubic.json') as {
  published: Record<string, { psnr: number; ssim: number }>;
  scales: Record<string, { images: { name: string; psnr_y: number; ssim_y: number; psnr_rgb: number }[]; mean: { psnr_y: number; ssim_y: number } }>;
};
const root = path.resolve(__dirname, '../../../..');
const kdlab = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const SET5 = ['baby', 'bird', 'butterfly', 'head', 'woman'];

describe('kdlab metrics', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-metrics-'));
  const srDir = path.join(tmp, 'sr');
  beforeAll(() => {
    // SR = bicubic upscale of the MATLAB-bicubic LR, named the way SR codes name outputs.
    for (const name of SET5) {
      const hr = modcrop(readImage(dataPath(`sr/Set5/${name}.png`)), 4);
      writeImage(path.join(srDir, `${name}_bicubic_x4.png`), imresizeBicubic(imresizeBicubic(hr, 1 / 4), 4));
    }
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--json prints exactly one JSON object with the Set5 x4 bicubic scores', () => {
    const res = kdlab('metrics', '--hr', dataPath('sr/Set5'), '--sr', srDir, '--scale', '4', '--json');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout); // throws unless stdout is one JSON value
    expect(Object.keys(out).sort()).toEqual(['images', 'mean']);
    const g = golden.scales['4'];
    expect(out.images.map((r: { name: string }) => r.name)).toEqual(SET5);
    out.images.forEach((r: { psnr: number; ssim: number }, i: number) => {
      expect(r.psnr).toBeCloseTo(g.images[i].psnr_y, 9);
      expect(r.ssim).toBeCloseTo(g.images[i].ssim_y, 9);
    });
    expect(out.mean.psnr).toBeCloseTo(g.mean.psnr_y, 9);
    expect(out.mean.ssim).toBeCloseTo(g.mean.ssim_y, 9);
    // ...which is the literature's Set5 x4 bicubic row (28.42 / 0.8104) to within script differences.
    expect(Math.abs(out.mean.psnr - golden.published['4'].psnr)).toBeLessThan(0.03);
  });

  it('prints a per-image table with the mean; --channel rgb scores RGB', () => {
    const res = kdlab('metrics', '--hr', dataPath('sr/Set5'), '--sr', srDir, '--scale', '4', '--channel', 'rgb');
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(lines[0]).toMatch(/RGB, crop 4/);
    const bird = golden.scales['4'].images[1];
    expect(lines[2]).toMatch(new RegExp(`^bird\\s+${bird.psnr_rgb.toFixed(4)}\\s`));
    expect(lines[6]).toMatch(/^mean\s+\d+\.\d{4}\s+0\.\d{4}$/);
  });

  it('an unpaired file is an error naming it', () => {
    const extra = path.join(srDir, 'lenna_bicubic_x4.png');
    fs.copyFileSync(path.join(srDir, 'bird_bicubic_x4.png'), extra);
    try {
      const res = kdlab('metrics', '--hr', dataPath('sr/Set5'), '--sr', srDir, '--scale', '4', '--json');
      expect(res.status).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain(`unpaired image file(s): ${extra} (SR, no HR)`);
    } finally {
      fs.rmSync(extra);
    }
  });
});
