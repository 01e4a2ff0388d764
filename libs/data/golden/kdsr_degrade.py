"""Independent numpy re-implementation of the DASR/KDSR classic degradation, for golden tests.

Written from the released code's algorithm (Zj-BinXia/KDSR, src/KDSR-classic/utils/util.py, after
LongguangWang/DASR): read there, re-expressed here in numpy; not copied. Pieces:
- kernels: offsets ax = arange(K) - K//2, x along columns and y along rows;
  iso: exp(-(x^2 + y^2) / (2 sigma^2)); aniso: covariance U diag(l1^2, l2^2) U^T with
  U = [[cos t, -sin t], [sin t, cos t]], kernel exp(-0.5 [x y] inv(cov) [x y]^T); both / sum;
- blur: reflect padding by K//2 (edge pixel not repeated, torch ReflectionPad2d == numpy 'reflect'),
  then a correlation (torch conv2d does not flip the kernel);
- bicubic: MATLAB's contributions (Keys a=-0.5, kernel stretched by 1/scale when shrinking,
  u = x/scale + 0.5(1 - 1/scale), P = ceil(4/scale) + 2 taps, weights normalised, indices clamped
  to [1, n]), tap columns dropped when the FIRST output's weight is zero (as the released code does),
  rows (H) then columns (W), no rounding in between; output size int(n * scale);
- quantize: x * 255, clamp to [0, 255], round half to even (torch.round).
The released code works on x / 255 (rgb_range 1) in float32; `dtype='float32'` follows that,
`dtype='float64'` gives the exact values the float64 TypeScript pipeline is compared with.

Two uses:
  python kdsr_degrade.py golden          -> writes degrade_golden.json (kernels, a synthetic image)
  python kdsr_degrade.py raw IN OUT H W C SIGMA SCALE [K]
                                         -> reads HWC uint8 bytes from IN, writes the LR bytes to OUT
                                            (float32, as the released code; used by the kdlab degrade test)
"""
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def offsets(k):
    ax = np.arange(k, dtype=np.float64) - k // 2
    return np.meshgrid(ax, ax, indexing='xy')  # xx[r, c] = ax[c], yy[r, c] = ax[r]


def iso_kernel(k, sigma):
    xx, yy = offsets(k)
    w = np.exp(-(xx ** 2 + yy ** 2) / (2.0 * sigma ** 2))
    return w / w.sum()


def aniso_kernel(k, l1, l2, theta_deg):
    t = theta_deg / 180.0 * math.pi
    u = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    cov = u @ np.diag([l1 ** 2, l2 ** 2]) @ u.T
    inv = np.linalg.inv(cov)
    xx, yy = offsets(k)
    xy = np.stack([xx.ravel(), yy.ravel()], axis=1)
    w = np.exp(-0.5 * ((xy @ inv) * xy).sum(axis=1)).reshape(k, k)
    return w / w.sum()


def blur(img, kernel, dtype):
    """img HWC; reflect pad then correlate every channel with the kernel."""
    k = kernel.shape[0]
    p = k // 2
    padded = np.pad(img.astype(dtype), ((p, p), (p, p), (0, 0)), mode='reflect')
    h, w = img.shape[:2]
    out = np.zeros(img.shape, dtype=dtype)
    kern = kernel.astype(dtype)
    for dy in range(k):
        for dx in range(k):
            out += kern[dy, dx] * padded[dy:dy + h, dx:dx + w, :]
    return out


def cubic(x):
    a = np.abs(x)
    return (1.5 * a ** 3 - 2.5 * a ** 2 + 1) * (a <= 1) + (-0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2) * ((a > 1) & (a <= 2))


def weights_and_indices(n_in, n_out, scale, dtype):
    width = 4.0 / scale if scale < 1 else 4.0
    x = np.arange(1, n_out + 1, dtype=dtype)
    u = x / dtype(scale) + dtype(0.5) * (1 - 1 / dtype(scale))
    left = np.floor(u - width / 2)
    taps = int(math.ceil(width)) + 2
    idx = left[:, None] + np.arange(taps, dtype=dtype)[None, :]
    d = u[:, None] - idx
    w = (dtype(scale) * cubic(d * dtype(scale)) if scale < 1 else cubic(d)).astype(dtype)
    w = w / w.sum(axis=1, keepdims=True)
    idx = np.clip(idx, 1, n_in).astype(np.int64) - 1
    keep = w[0] != 0  # the released code decides from the first output only
    return w[:, keep], idx[:, keep]


def bicubic(img, scale, dtype):
    h, w = img.shape[:2]
    oh, ow = int(h * scale), int(w * scale)
    wr, ir = weights_and_indices(h, oh, scale, dtype)
    rows = (img[ir, :, :] * wr[:, :, None, None]).sum(axis=1)  # (oh, W, C)
    wc, ic = weights_and_indices(w, ow, scale, dtype)
    return (rows[:, ic, :] * wc[None, :, :, None]).sum(axis=2)  # (oh, ow, C)


def degrade_float(hr_uint8, kernel, scale, dtype):
    """Blur + bicubic on the released code's 0-1 scale, returned on the 0-255 scale (not rounded)."""
    x = hr_uint8.astype(dtype) / dtype(255)
    return bicubic(blur(x, kernel, dtype), 1.0 / scale, dtype) * dtype(255)


def quantize(v):
    return np.round(np.clip(v, 0, 255)).astype(np.uint8)  # numpy rounds half to even, like torch


def synthetic(h, w, c):
    i, j, k = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing='ij')
    v = (i * 29 + j * 83 + k * 47) % 256
    v = np.where((i + 2 * j) % 9 == 0, 255, v)
    v = np.where((i * j) % 13 == 5, 0, v)
    return v.astype(np.uint8)


def golden():
    out = {'generator': 'libs/data/golden/kdsr_degrade.py golden', 'kernels': [], 'synthetic': []}
    for spec in [('iso', 21, 2.6), ('iso', 7, 0.8), ('aniso', 21, 3.5, 1.5, 30.0), ('aniso', 9, 0.6, 2.2, 117.0)]:
        kern = iso_kernel(spec[1], spec[2]) if spec[0] == 'iso' else aniso_kernel(spec[1], *spec[2:])
        out['kernels'].append({'spec': list(spec), 'weights': kern.ravel().tolist()})
    src = synthetic(24, 28, 3)
    out['input'] = {'height': 24, 'width': 28, 'channels': 3, 'hex': src.tobytes().hex()}
    for spec, scale in [(('iso', 21, 2.6), 4), (('aniso', 21, 3.5, 1.5, 30.0), 4), (('aniso', 9, 0.6, 2.2, 117.0), 2), (('iso', 7, 0.8), 3)]:
        h, w = src.shape[0] // scale * scale, src.shape[1] // scale * scale
        hr = src[:h, :w]
        kern = iso_kernel(spec[1], spec[2]) if spec[0] == 'iso' else aniso_kernel(spec[1], *spec[2:])
        blurred = blur(hr.astype(np.float64), kern, np.float64)
        lr = bicubic(blurred, 1.0 / scale, np.float64)
        out['synthetic'].append({
            'spec': list(spec), 'scale': scale, 'hr': [h, w],
            'blurred': blurred.ravel().tolist() if spec[1] == 7 else None, 'lr_float': lr.ravel().tolist(), 'lr_shape': list(lr.shape),
            'lr_uint8_hex': quantize(lr).tobytes().hex(),
        })
    with open(os.path.join(HERE, 'degrade_golden.json'), 'w') as f:
        json.dump(out, f)


def raw(src, dst, h, w, c, sigma, scale, k=21):
    hr = np.fromfile(src, dtype=np.uint8).reshape(int(h), int(w), int(c))
    lr = quantize(degrade_float(hr, iso_kernel(int(k), float(sigma)), int(scale), np.float32))
    lr.tofile(dst)


if __name__ == '__main__':
    if sys.argv[1:2] == ['golden']:
        golden()
    elif sys.argv[1:2] == ['raw']:
        raw(*sys.argv[2:])
    else:
        sys.exit(__doc__)
