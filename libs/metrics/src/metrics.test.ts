// Golden values: libs/metrics/golden/set5_bicubic.json, written by gen_set5_bicubic.py with an
// independent numpy/scipy implementation (sr_metrics.py: 2-D correlate2d SSIM, Pillow decoding,
// numpy port of MATLAB imresize). `published` holds the Set5 bicubic numbers of the SR papers.
import { dataPath, imresizeBicubic, modcrop, readImage, type Image } from '@kdlab/data';
import { evaluatePairs, gaussian1d, psnr, ssim, srMetricOptions, SR_CONVENTION } from './index';

interface Row { name: string; psnr_y: number; ssim_y: number; psnr_rgb: number; ssim_rgb: number }
const golden = require('../golden/set5_bicubic.json') as {
  published: Record<string, { psnr: number; ssim: number }>;
  scales: Record<string, { images: Row[]; mean: Omit<Row, 'name'> }>;
};

const SET5 = ['baby', 'bird', 'butterfly', 'head', 'woman'];

function bicubicPairs(scale: number): { name: string; hr: Image; sr: Image }[] {
  return SET5.map((name) => {
    const hr = modcrop(readImage(dataPath(`sr/Set5/${name}.png`)), scale);
    return { name, hr, sr: imresizeBicubic(imresizeBicubic(hr, 1 / scale), scale) };
  });
}

describe.each([2, 3, 4])('Set5 bicubic x%d', (scale) => {
  const g = golden.scales[String(scale)];
  const pairs = bicubicPairs(scale);

  it('per-image PSNR/SSIM on Y match the independent reference', () => {
    const res = evaluatePairs(pairs, srMetricOptions(scale));
    res.images.forEach((r, i) => {
      expect(r.name).toBe(g.images[i].name);
      expect(r.psnr).toBeCloseTo(g.images[i].psnr_y, 9);
      expect(r.ssim).toBeCloseTo(g.images[i].ssim_y, 9);
    });
    expect(res.mean.psnr).toBeCloseTo(g.mean.psnr_y, 9);
    expect(res.mean.ssim).toBeCloseTo(g.mean.ssim_y, 9);
  });

  it('reproduces the published Set5 bicubic numbers of the SR literature', () => {
    const res = evaluatePairs(pairs, srMetricOptions(scale));
    const pub = golden.published[String(scale)];
    // Papers differ slightly in their evaluation scripts (e.g. Y rounded to uint8, LR made on
    // Y in double): those variants span about 0.02 dB / 0.001 around the printed values.
    expect(Math.abs(res.mean.psnr - pub.psnr)).toBeLessThan(0.03);
    expect(Math.abs(res.mean.ssim - pub.ssim)).toBeLessThan(0.001);
  });

  it('RGB variants match the reference', () => {
    const res = evaluatePairs(pairs, { crop: scale, channel: 'rgb' });
    res.images.forEach((r, i) => {
      expect(r.psnr).toBeCloseTo(g.images[i].psnr_rgb, 9);
      expect(r.ssim).toBeCloseTo(g.images[i].ssim_rgb, 9);
    });
  });
});

describe('metric behaviour', () => {
  const bird = readImage(dataPath('sr/Set5/bird.png'));

  it('identical images: PSNR infinite, SSIM 1', () => {
    expect(psnr(bird, bird, srMetricOptions(4))).toBe(Infinity);
    expect(ssim(bird, bird, srMetricOptions(4))).toBeCloseTo(1, 12);
  });

  it('a grey image scores like its 3-channel copy (the grey Set14 bridge vs a model output)', () => {
    const bridge = readImage(dataPath('sr/Set14/bridge.png'));
    expect(bridge.channels).toBe(1);
    const sr = imresizeBicubic(imresizeBicubic(bridge, 1 / 4), 4);
    const rgb = (g: Image): Image => ({ ...g, channels: 3, data: Uint8Array.from({ length: g.data.length * 3 }, (_, i) => g.data[Math.floor(i / 3)]) });
    const opts = srMetricOptions(4);
    expect(psnr(bridge, rgb(sr), opts)).toBeCloseTo(psnr(rgb(bridge), rgb(sr), opts), 12);
    expect(ssim(bridge, rgb(sr), opts)).toBeCloseTo(ssim(bridge, sr, opts), 12);
  });

  it('crop matters and size mismatches are named', () => {
    const sr = imresizeBicubic(imresizeBicubic(bird, 1 / 2), 2);
    expect(psnr(bird, sr, { crop: 0, channel: 'y' })).not.toBeCloseTo(psnr(bird, sr, { crop: 2, channel: 'y' }), 3);
    const small = modcrop(bird, 5);
    expect(() => psnr(bird, small, srMetricOptions(2))).toThrow(/HR is 288x288 but SR is 285x285/);
    expect(() => evaluatePairs([{ name: 'bird', hr: bird, sr: small }], srMetricOptions(2))).toThrow(/^bird: HR is 288x288/);
    expect(() => ssim(bird, bird, { crop: 139, channel: 'y' })).toThrow(/at least 11x11/);
  });

  it('the Gaussian window is fspecial(11, 1.5) and the convention is stated', () => {
    const g = gaussian1d();
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(g[0] / g[5]).toBeCloseTo(Math.exp(-25 / 4.5), 12);
    expect(SR_CONVENTION).toMatch(/Y channel.*11x11 Gaussian.*1\.5/);
  });
});

describe('speed', () => {
  it('PSNR and SSIM on B100 x4 bicubic (100 images 480x320) within a few seconds', () => {
    const pairs = Array.from({ length: 100 }, (_, i) => {
      const hr = modcrop(readImage(dataPath(`sr/B100/img_${String(i + 1).padStart(3, '0')}.png`)), 4);
      return { name: String(i), hr, sr: imresizeBicubic(imresizeBicubic(hr, 1 / 4), 4) };
    });
    const t0 = performance.now();
    const res = evaluatePairs(pairs, srMetricOptions(4));
    const ms = performance.now() - t0;
    console.log(`metrics B100 x4: PSNR+SSIM (Y) of 100 images in ${ms.toFixed(0)} ms; bicubic mean ${res.mean.psnr.toFixed(2)} dB / ${res.mean.ssim.toFixed(4)}`);
    // Published B100 x4 bicubic: 25.96 dB / 0.6675 (e.g. EDSR, RCAN tables).
    expect(res.mean.psnr).toBeCloseTo(25.96, 1);
    expect(ms).toBeLessThan(15000);
  });
});
