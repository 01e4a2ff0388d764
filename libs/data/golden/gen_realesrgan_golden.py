"""Golden values for libs/data's Real-ESRGAN second-order degradation pieces.

Run: .venv/bin/python libs/data/golden/gen_realesrgan_golden.py   (numpy, scipy, torch; present in the
project venv, not installed by setup because tests only read the JSON)
Writes libs/data/golden/realesrgan_golden.json, read by libs/data/src/degrade/second-order.test.ts.

- kernels: generalised Gaussian and plateau kernels re-implemented here in numpy from the formulas of
  basicsr/data/degradations.py (read, not copied), and the circular low-pass filter with scipy.special.j1
  (the Bessel function the released code uses);
- interpolate: torch.nn.functional.interpolate itself (the function Real-ESRGAN calls) in modes
  area / bilinear / bicubic, align_corners=False, with a scale factor and with an explicit size.
"""
import json
import math
import os

import numpy as np
import torch
from scipy import special
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def grid(k):
    ax = np.arange(k, dtype=np.float64) - k // 2
    xx, yy = np.meshgrid(ax, ax)  # xx[r, c] = ax[c]
    return np.stack([xx, yy], axis=-1)


def quad(k, sx, sy, theta):
    u = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    inv = np.linalg.inv(u @ np.diag([sx ** 2, sy ** 2]) @ u.T)
    g = grid(k)
    return np.sum((g @ inv) * g, axis=-1)


def generalized(k, sx, sy, theta, beta):
    w = np.exp(-0.5 * quad(k, sx, sy, theta) ** beta)
    return w / w.sum()


def plateau(k, sx, sy, theta, beta):
    w = 1.0 / (quad(k, sx, sy, theta) ** beta + 1)
    return w / w.sum()


def sinc(cutoff, k, pad_to):
    c = (k - 1) / 2
    i, j = np.meshgrid(np.arange(k), np.arange(k), indexing='ij')
    r = np.hypot(i - c, j - c)
    with np.errstate(divide='ignore', invalid='ignore'):
        w = cutoff * special.j1(cutoff * r) / (2 * np.pi * r)
    w[int(c), int(c)] = cutoff ** 2 / (4 * np.pi)
    w = w / w.sum()
    if pad_to > k:
        p = (pad_to - k) // 2
        w = np.pad(w, ((p, p), (p, p)))
    return w


def main():
    out = {'generator': 'libs/data/golden/gen_realesrgan_golden.py', 'kernels': [], 'j1': [], 'interpolate': []}
    for kind, args in [('generalized', (21, 2.0, 2.0, 0.0, 0.7)), ('generalized', (15, 2.5, 0.8, 1.1, 3.2)),
                       ('plateau', (21, 1.5, 1.5, 0.0, 1.6)), ('plateau', (9, 0.9, 2.7, -2.3, 1.0))]:
        w = generalized(*args) if kind == 'generalized' else plateau(*args)
        out['kernels'].append({'kind': kind, 'args': list(args), 'weights': w.ravel().tolist()})
    for cutoff, k, pad in [(math.pi / 3, 13, 21), (2.5, 7, 0), (math.pi / 5, 21, 21)]:
        out['kernels'].append({'kind': 'sinc', 'args': [cutoff, k, pad], 'weights': sinc(cutoff, k, pad).ravel().tolist()})
    for x in [0.0, 0.3, 1.0, 2.5, 3.8317, 7.0, 15.5, 30.0, 44.4]:
        out['j1'].append([x, float(special.j1(x))])

    rng = np.random.default_rng(11)
    img = rng.uniform(0, 255, size=(13, 17, 3))
    out['image'] = {'height': 13, 'width': 17, 'values': img.ravel().tolist()}
    t = torch.from_numpy(img.transpose(2, 0, 1)[None].copy())  # float64, NCHW
    for mode in ['area', 'bilinear', 'bicubic']:
        for scale in [0.37, 0.5, 1.3]:
            r = F.interpolate(t, scale_factor=scale, mode=mode)
            out['interpolate'].append({'mode': mode, 'scale': scale, 'size': list(r.shape[2:]),
                                       'values': r[0].numpy().transpose(1, 2, 0).ravel().tolist()})
        r = F.interpolate(t, size=(6, 11), mode=mode)
        out['interpolate'].append({'mode': mode, 'scale': None, 'size': [6, 11], 'values': r[0].numpy().transpose(1, 2, 0).ravel().tolist()})
    with open(os.path.join(HERE, 'realesrgan_golden.json'), 'w') as f:
        json.dump(out, f)


if __name__ == '__main__':
    main()
