"""Reference PSNR / SSIM as the SR literature reports them, in numpy/scipy.

Used only to produce golden values for libs/metrics (CI reads the JSON). Convention:
uint8 images; `crop` pixels removed from every border; the Y channel of BT.601
(Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 with R, G, B in [0, 255], unrounded);
SSIM of Wang et al. (ssim_index.m): 11x11 Gaussian window, sigma 1.5, C1 = (0.01*255)^2,
C2 = (0.03*255)^2, 'valid' filtering, mean of the SSIM map. Grey images are treated as
RGB with equal channels. RGB variants: PSNR over all channels, SSIM mean over channels.
"""
import numpy as np
from scipy.signal import correlate2d


def as_rgb(img):
    if img.ndim == 2:
        img = img[:, :, None]
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    return img.astype(np.float64)


def planes(img, crop, channel):
    rgb = as_rgb(img)
    if crop:
        rgb = rgb[crop:-crop, crop:-crop]
    if channel == 'y':
        y = 16.0 + (65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255.0
        return [y]
    return [rgb[..., c] for c in range(3)]


def psnr(hr, sr, crop, channel='y'):
    a = np.stack(planes(hr, crop, channel))
    b = np.stack(planes(sr, crop, channel))
    mse = np.mean((a - b) ** 2)
    return float('inf') if mse == 0 else float(10.0 * np.log10(255.0 ** 2 / mse))


def gaussian_window(size=11, sigma=1.5):
    r = np.arange(size) - (size - 1) / 2.0
    xx, yy = np.meshgrid(r, r)
    h = np.exp(-(xx ** 2 + yy ** 2) / (2.0 * sigma ** 2))
    return h / h.sum()


def ssim_plane(a, b):
    win = gaussian_window()
    c1 = (0.01 * 255) ** 2
    c2 = (0.03 * 255) ** 2
    f = lambda x: correlate2d(x, win, mode='valid')
    mu1, mu2 = f(a), f(b)
    s11 = f(a * a) - mu1 ** 2
    s22 = f(b * b) - mu2 ** 2
    s12 = f(a * b) - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 ** 2 + mu2 ** 2 + c1) * (s11 + s22 + c2))
    return float(m.mean())


def ssim(hr, sr, crop, channel='y'):
    pa, pb = planes(hr, crop, channel), planes(sr, crop, channel)
    return float(np.mean([ssim_plane(a, b) for a, b in zip(pa, pb)]))
