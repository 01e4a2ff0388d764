"""Golden values for libs/data's MATLAB-compatible bicubic imresize.

Run: /usr/bin/python3 libs/data/golden/gen_imresize_golden.py   (needs numpy, Pillow, the data root)
Writes libs/data/golden/imresize_golden.json, read by libs/data/src/imresize.test.ts.

Contents:
- `synthetic`: a small deterministic uint8 image (formula below) resized by several factors,
  up and down, integer and not, every output pixel stored (as hex of the HWC bytes) for the small ones;
- `set5`: for each Set5 image and scale 2, 3, 4: the HR file's sha256, the mod-cropped HR size,
  and the LR = imresize(modcrop(HR), 1/s, 'bicubic') as sha256 of its HWC bytes, per-channel
  means and a few pixel values; plus sha256 of the bicubic upscale imresize(LR, s).
Images are decoded with Pillow, independently of the TypeScript side (TensorFlow's codecs).
"""
import hashlib
import json
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matlab_imresize import imresize, modcrop  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
DATA_ROOT = os.environ.get('KDLAB_DATA_ROOT') or os.path.join(REPO, '..', 'shared', 'datasets')
SET5 = ['baby', 'bird', 'butterfly', 'head', 'woman']


def synthetic(h, w, c):
    i, j, k = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing='ij')
    # Smooth ramps plus a hard edge and a few saturated pixels, so rounding and clipping matter.
    v = (i * 37 + j * 91 + k * 53) % 256
    v = np.where((i + j) % 7 == 0, 255, v)
    v = np.where((i * j) % 11 == 3, 0, v)
    return v.astype(np.uint8)


def sha(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def samples(a):
    h, w = a.shape[:2]
    pts = [(0, 0), (0, w - 1), (h - 1, 0), (h - 1, w - 1), (h // 2, w // 2), (h // 3, (2 * w) // 3), (1, 2)]
    return [{'y': y, 'x': x, 'value': [int(v) for v in np.atleast_1d(a[y, x])]} for y, x in pts]


def main():
    out = {'generator': 'libs/data/golden/gen_imresize_golden.py', 'synthetic': [], 'set5': []}
    src = synthetic(13, 17, 3)
    out['synthetic_input'] = {'height': 13, 'width': 17, 'channels': 3, 'hex': src.tobytes().hex()}
    for scale in [0.5, 1 / 3, 0.25, 0.7, 1.6, 2, 3, 4]:
        r = imresize(src, scale)
        entry = {'scale': scale, 'height': r.shape[0], 'width': r.shape[1], 'sha256': sha(r), 'samples': samples(r)}
        if r.size <= 3000:  # every pixel for the small ones, to show where a mismatch is
            entry['hex'] = r.tobytes().hex()
        out['synthetic'].append(entry)
    grey = synthetic(9, 10, 1)[:, :, 0]
    out['synthetic_grey_input'] = {'height': 9, 'width': 10, 'channels': 1, 'hex': grey.tobytes().hex()}
    r = imresize(grey, 1 / 3)
    out['synthetic_grey'] = {'scale': 1 / 3, 'height': r.shape[0], 'width': r.shape[1], 'hex': r.tobytes().hex()}

    for name in SET5:
        path = os.path.join(DATA_ROOT, 'sr', 'Set5', name + '.png')
        raw = open(path, 'rb').read()
        hr_full = np.asarray(Image.open(path).convert('RGB'))
        entry = {'name': name, 'file_sha256': hashlib.sha256(raw).hexdigest(), 'scales': []}
        for s in [2, 3, 4]:
            hr = modcrop(hr_full, s)
            lr = imresize(hr, 1 / s)
            up = imresize(lr, s)
            assert up.shape == hr.shape
            entry['scales'].append({
                'scale': s,
                'hr': [hr.shape[0], hr.shape[1]],
                'lr': [lr.shape[0], lr.shape[1]],
                'lr_sha256': sha(lr),
                'lr_mean': [float(lr[..., c].mean()) for c in range(3)],
                'lr_samples': samples(lr),
                'bicubic_up_sha256': sha(up),
            })
        out['set5'].append(entry)
    dest = os.path.join(HERE, 'imresize_golden.json')
    with open(dest, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print('wrote', dest)


if __name__ == '__main__':
    main()
