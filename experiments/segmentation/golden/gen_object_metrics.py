"""Golden values for the GlaS object-level metrics of experiments/segmentation, computed
independently with scikit-image and SciPy.

Run: /usr/bin/python3 experiments/segmentation/golden/gen_object_metrics.py
Writes object_metrics.json beside this file: small masks (random blobs and hand-made
cases) with object Dice and object Hausdorff as the GlaS challenge defines them
(Sirinukunwattana et al., MedIA 2017): objects are 8-connected components
(skimage.measure.label, connectivity=2); S*(G_i) is the object of the other map with
the largest overlap; without overlap Dice is 0 and, for Hausdorff, the object of the
other map at the smallest Hausdorff distance is used; Hausdorff between two objects is
the symmetric scipy.spatial.distance.directed_hausdorff over all their pixel
coordinates. Same edge-case choices as src/metrics/objects.ts: one side empty ->
Dice 0, Hausdorff = image diagonal; both empty -> 1 and 0.
"""
import json
import os

import numpy as np
from scipy.ndimage import binary_dilation
from scipy.spatial.distance import directed_hausdorff
from skimage.measure import label


def hausdorff(a, b):
    pa = np.argwhere(a)
    pb = np.argwhere(b)
    return max(directed_hausdorff(pa, pb)[0], directed_hausdorff(pb, pa)[0])


def one_side(src, dst):
    """sum_i w_i Dice(src_i, dst*(src_i)) and sum_i w_i H(src_i, dst*(src_i))."""
    total = (src > 0).sum()
    dice = 0.0
    haus = 0.0
    for i in range(1, src.max() + 1):
        obj = src == i
        w = obj.sum() / total
        hits = dst[obj]
        hits = hits[hits > 0]
        if hits.size:
            ids, counts = np.unique(hits, return_counts=True)
            j = ids[np.argmax(counts)]  # np.argmax picks the lowest label on ties
            other = dst == j
            dice += w * 2 * np.logical_and(obj, other).sum() / (obj.sum() + other.sum())
            haus += w * hausdorff(obj, other)
        else:
            haus += w * min(hausdorff(obj, dst == j) for j in range(1, dst.max() + 1))
    return dice, haus


def object_metrics(pred, truth):
    g = label(truth, connectivity=2)
    s = label(pred, connectivity=2)
    if g.max() == 0 and s.max() == 0:
        return 1.0, 0.0
    if g.max() == 0 or s.max() == 0:
        return 0.0, float(np.hypot(*truth.shape))
    dg, hg = one_side(g, s)
    ds, hs = one_side(s, g)
    return (dg + ds) / 2, (hg + hs) / 2


def blobs(rng, h, w, n):
    m = np.zeros((h, w), bool)
    for _ in range(n):
        cy, cx = rng.integers(0, h), rng.integers(0, w)
        ry, rx = rng.integers(2, 8), rng.integers(2, 8)
        yy, xx = np.ogrid[:h, :w]
        m |= ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
    return m


def main():
    rng = np.random.default_rng(2021)
    cases = []
    for k in range(8):
        h, w = int(rng.integers(30, 48)), int(rng.integers(30, 60))
        truth = blobs(rng, h, w, int(rng.integers(2, 7)))
        # A prediction: the truth shifted and dilated/eroded, plus false positives, minus a blob.
        pred = np.roll(truth, (int(rng.integers(-3, 4)), int(rng.integers(-3, 4))), axis=(0, 1))
        if k % 2 == 0:
            pred = binary_dilation(pred)
        pred = pred | blobs(rng, h, w, int(rng.integers(0, 3)))
        if k % 3 == 0:
            lab = label(pred, connectivity=2)
            if lab.max() > 1:
                pred = pred & (lab != 1)
        cases.append((f'random-{k}', pred, truth))
    # An unmatched ground-truth object far from everything (the nearest-by-Hausdorff rule).
    truth = np.zeros((20, 40), bool)
    truth[2:8, 2:8] = True
    truth[12:15, 30:38] = True
    pred = np.zeros_like(truth)
    pred[3:9, 3:9] = True
    pred[0:2, 20:24] = True
    cases.append(('unmatched', pred, truth))
    # Many unmatched fragments against one gland (more unmatched objects than glands).
    truth = np.zeros((24, 40), bool)
    truth[4:16, 4:18] = True
    pred = np.zeros_like(truth)
    pred[5:15, 6:18] = True
    for (y, x) in [(2, 25), (8, 30), (14, 36), (20, 22), (21, 4), (1, 38)]:
        pred[y:y + 2, x:x + 2] = True
    cases.append(('fragments', pred, truth))
    out = []
    for name, pred, truth in cases:
        d, hd = object_metrics(pred.astype(np.uint8), truth.astype(np.uint8))
        out.append({
            'name': name, 'height': int(truth.shape[0]), 'width': int(truth.shape[1]),
            'pred': ''.join('1' if v else '0' for v in pred.flatten()),
            'truth': ''.join('1' if v else '0' for v in truth.flatten()),
            'obj_dice': d, 'obj_hausdorff': hd,
            'g_objects': int(label(truth, connectivity=2).max()), 's_objects': int(label(pred, connectivity=2).max()),
        })
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'object_metrics.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'experiments/segmentation/golden/gen_object_metrics.py (scikit-image label + scipy directed_hausdorff)', 'cases': out}, f, indent=1)
    print(f'wrote {len(out)} cases to {path}')


if __name__ == '__main__':
    main()
