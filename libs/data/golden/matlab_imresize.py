"""Independent numpy port of MATLAB's imresize(A, scale, 'bicubic') for uint8 images.

Written from the algorithm of MATLAB's imresize.m (R2013+), used only to produce golden
values for the TypeScript implementation in libs/data/src/imresize.ts. Nothing here is
run by CI; tests read the JSON this produces.

MATLAB facts reproduced here:
- output size: ceil(scale * input size) per dimension;
- cubic kernel with a = -0.5 (Keys), support [-2, 2];
- antialiasing when shrinking: kernel h(x) = scale * cubic(scale * x), width 4 / scale;
- coordinate map u = x / scale + 0.5 * (1 - 1 / scale) for output x = 1..out (1-based);
- left = floor(u - width / 2), P = ceil(width) + 2 taps, weights normalised per output;
- out-of-range indices clamped to [1, n] (imresize.m: "Clamp out-of-range indices; has the effect of
  replicating end-points"); an earlier version of this port mirrored them ([1..n, n..1]), which
  changes up to 7 levels in the first and last rows/columns of Set5 LR images;
- all-zero tap columns dropped (no effect on values);
- dimensions resized in order of increasing scale; a tie keeps order rows, then columns;
- imresizemex returns the input's class, so a uint8 image is converted back to uint8
  (round half away from zero, saturate to [0, 255]) after EACH dimension pass.
"""
import math

import numpy as np


def cubic(x):
    ax = np.abs(x)
    ax2 = ax * ax
    ax3 = ax2 * ax
    return (1.5 * ax3 - 2.5 * ax2 + 1.0) * (ax <= 1) + \
        (-0.5 * ax3 + 2.5 * ax2 - 4.0 * ax + 2.0) * ((ax > 1) & (ax <= 2))


def contributions(in_length, out_length, scale, antialiasing=True):
    kernel_width = 4.0
    if scale < 1 and antialiasing:
        def h(x):
            return scale * cubic(scale * x)
        kernel_width = kernel_width / scale
    else:
        h = cubic
    x = np.arange(1, out_length + 1, dtype=np.float64)[:, None]
    u = x / scale + 0.5 * (1.0 - 1.0 / scale)
    left = np.floor(u - kernel_width / 2.0)
    taps = int(math.ceil(kernel_width)) + 2
    indices = left + np.arange(taps, dtype=np.float64)[None, :]
    weights = h(u - indices)
    weights = weights / weights.sum(axis=1, keepdims=True)
    indices = np.clip(indices, 1, in_length).astype(np.int64)  # replicate the end points
    keep = np.any(weights != 0, axis=0)
    return weights[:, keep], indices[:, keep] - 1  # 0-based indices


def to_uint8(a):
    """MATLAB's double -> uint8: round half away from zero, then saturate."""
    r = np.sign(a) * np.floor(np.abs(a) + 0.5)
    return np.clip(r, 0, 255).astype(np.uint8)


def resize_along(img, axis, weights, indices, keep_uint8=True):
    src = np.moveaxis(img.astype(np.float64), axis, 0)  # (in, ...)
    gathered = src[indices]  # (out, taps, ...)
    w = weights.reshape(weights.shape + (1,) * (src.ndim - 1))
    out = np.moveaxis((gathered * w).sum(axis=1), 0, axis)
    return to_uint8(out) if keep_uint8 else out


def output_size(n, scale):
    return int(math.ceil(scale * n))


def imresize(img, scale, keep_uint8_between_passes=True):
    """img: uint8 HxW or HxWxC; scale: one positive factor for both dimensions."""
    assert img.dtype == np.uint8
    out = img
    # sort([s, s]) keeps the order rows, columns for a single scale factor.
    for axis in (0, 1):
        n = out.shape[axis]
        w, idx = contributions(n, output_size(n, scale), scale)
        out = resize_along(out, axis, w, idx, keep_uint8_between_passes)
    return out if out.dtype == np.uint8 else to_uint8(out)


def modcrop(img, scale):
    h, w = img.shape[:2]
    return img[: h - h % scale, : w - w % scale]
