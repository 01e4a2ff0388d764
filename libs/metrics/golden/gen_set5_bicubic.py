"""Golden PSNR/SSIM of bicubic upscaling on Set5, for libs/metrics tests.

Run: /usr/bin/python3 libs/metrics/golden/gen_set5_bicubic.py   (numpy, scipy, Pillow, the data root)
Writes libs/metrics/golden/set5_bicubic.json.

Pipeline (the one the SR literature's "Bicubic" rows use): HR = modcrop(Set5 image, s);
LR = imresize(HR, 1/s, 'bicubic'); SR = imresize(LR, s, 'bicubic') (MATLAB semantics, uint8,
port in libs/data/golden/matlab_imresize.py); metrics by libs/metrics/golden/sr_metrics.py
with crop = s. `published` holds the Set5 bicubic numbers printed in the SR papers
(e.g. VDSR, EDSR, RCAN tables: 33.66/0.9299, 30.39/0.8682, 28.42/0.8104), which this
pipeline should reproduce to within rounding and small evaluation-script differences.
"""
import json
import os
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'libs', 'data', 'golden'))
from matlab_imresize import imresize, modcrop  # noqa: E402
import sr_metrics  # noqa: E402

DATA_ROOT = os.environ.get('KDLAB_DATA_ROOT') or os.path.join(REPO, '..', 'shared', 'datasets')
SET5 = ['baby', 'bird', 'butterfly', 'head', 'woman']
PUBLISHED = {'2': {'psnr': 33.66, 'ssim': 0.9299}, '3': {'psnr': 30.39, 'ssim': 0.8682}, '4': {'psnr': 28.42, 'ssim': 0.8104}}


def main():
    out = {'generator': 'libs/metrics/golden/gen_set5_bicubic.py', 'published': PUBLISHED, 'scales': {}}
    for s in [2, 3, 4]:
        rows = []
        for name in SET5:
            hr = modcrop(np.asarray(Image.open(os.path.join(DATA_ROOT, 'sr', 'Set5', name + '.png')).convert('RGB')), s)
            sr = imresize(imresize(hr, 1 / s), s)
            rows.append({
                'name': name,
                'psnr_y': sr_metrics.psnr(hr, sr, s, 'y'), 'ssim_y': sr_metrics.ssim(hr, sr, s, 'y'),
                'psnr_rgb': sr_metrics.psnr(hr, sr, s, 'rgb'), 'ssim_rgb': sr_metrics.ssim(hr, sr, s, 'rgb'),
            })
        mean = {k: float(np.mean([r[k] for r in rows])) for k in ['psnr_y', 'ssim_y', 'psnr_rgb', 'ssim_rgb']}
        out['scales'][str(s)] = {'images': rows, 'mean': mean}
        print(f"x{s}: Y {mean['psnr_y']:.4f} / {mean['ssim_y']:.4f}   published {PUBLISHED[str(s)]}")
    dest = os.path.join(HERE, 'set5_bicubic.json')
    with open(dest, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print('wrote', dest)


if __name__ == '__main__':
    main()
