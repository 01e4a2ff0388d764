// How kdlab scores super-resolution: the convention of the SR literature's tables.

export interface MetricOptions {
  /** Pixels removed from every border before scoring; the SR convention is crop = scale. */
  crop: number;
  /** 'y': BT.601 luma, the SR tables' default; 'rgb': all three colour channels. */
  channel: 'y' | 'rgb';
}

export const SR_CONVENTION =
  'PSNR/SSIM on uint8 images with a border of `scale` pixels cropped, on the Y channel of BT.601 ' +
  '(Y = 16 + 65.481 R + 128.553 G + 24.966 B, R/G/B in [0,1], unrounded); SSIM of Wang et al. with an ' +
  '11x11 Gaussian window (sigma 1.5), C1 = (0.01*255)^2, C2 = (0.03*255)^2, valid region only; ' +
  'dataset score = mean over images. LR inputs by MATLAB-compatible bicubic imresize of the mod-cropped HR.';

/** Options of the SR tables for a given scale. */
export function srMetricOptions(scale: number, channel: MetricOptions['channel'] = 'y'): MetricOptions {
  return { crop: scale, channel };
}
