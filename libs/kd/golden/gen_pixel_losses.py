"""Golden values for the pixel-distillation losses of @kdlab/kd (isrd, fsr, and at / fitnet with
`resolution: pool`), with numpy.

Run: .venv/bin/python libs/kd/golden/gen_pixel_losses.py   (numpy only)
Writes pixel_losses.json beside this file, in the format of cls_losses.json: loss options, fixed
inputs (NHWC), the learned weights used (`weights`, in the order of the loss's trainableWeights:
isrd W [C, 3 r^2] and the PReLU slopes [3]; fsr W [C_s, C_t r^2]), the value, and the gradients
w.r.t. the student and each weight.

Written from the released code's modules (gyguo/PixelDistillation lib/models/hrir.py SR1x1:
nn.Conv2d 1x1 without bias, nn.PixelShuffle, nn.PReLU(3), cropped to the HR size; nn.L1Loss) and,
for fsr, from the choices stated in libs/kd/src/losses/fsr.ts (1x1 conv + pixel shuffle, MSE),
in NCHW the PyTorch way; not translated from the TypeScript. at / fitnet with `resolution: pool`:
the larger map average-pooled to the smaller's size (F.adaptive_avg_pool2d at an integer ratio, as
the released lib/losses/at_loss.py), then AT (normalised mean_c A^2, mean squared difference) or
FitNet's mean squared error. Gradients are central differences
in float64 (step 1e-6) of this forward pass, so they need no hand-derived backward.
"""
import json
import os

import numpy as np


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def to_nchw(a):
    return a.transpose(0, 3, 1, 2)


def conv1x1_nchw(f, w):
    # nn.Conv2d(in, out, 1, bias=False) with weight[o, i, 0, 0] = w[i, o]
    return np.einsum('nihw,io->nohw', f, w)


def pixel_shuffle_nchw(x, r):
    # torch.nn.PixelShuffle: out[n, c, h*r + i, w*r + j] = x[n, c*r*r + i*r + j, h, w]
    n, cr2, h, w = x.shape
    c = cr2 // (r * r)
    out = np.zeros((n, c, h * r, w * r))
    for ch in range(c):
        for i in range(r):
            for j in range(r):
                out[:, ch, i::r, j::r] = x[:, ch * r * r + i * r + j]
    return out


def prelu_nchw(x, a):
    return np.where(x > 0, x, a[None, :, None, None] * x)


def isrd(student, teacher, weights, r):
    w, a = weights
    sr = prelu_nchw(pixel_shuffle_nchw(conv1x1_nchw(to_nchw(student), w), r), a)
    hr = to_nchw(teacher)
    sr = sr[:, :, :hr.shape[2], :hr.shape[3]]
    return np.abs(sr - hr).mean()


def fsr(student, teacher, weights, r):
    (w,) = weights
    up = pixel_shuffle_nchw(conv1x1_nchw(to_nchw(student), w), r)
    return ((up - to_nchw(teacher)) ** 2).mean()


def adaptive_avg_pool_nchw(x, h, w):
    n, c, H, W = x.shape
    out = np.zeros((n, c, h, w))
    for i in range(h):
        for j in range(w):
            y0, y1 = (i * H) // h, -(-((i + 1) * H) // h)
            x0, x1 = (j * W) // w, -(-((j + 1) * W) // w)
            out[:, :, i, j] = x[:, :, y0:y1, x0:x1].mean(axis=(2, 3))
    return out


def pooled_pair(student, teacher):
    s, t = to_nchw(student), to_nchw(teacher)
    h, w = min(s.shape[2], t.shape[2]), min(s.shape[3], t.shape[3])
    return adaptive_avg_pool_nchw(s, h, w), adaptive_avg_pool_nchw(t, h, w)


def at_pool(student, teacher, weights, r):
    s, t = pooled_pair(student, teacher)

    def att(f):
        a = (f ** 2).mean(1).reshape(f.shape[0], -1)
        return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    return ((att(s) - att(t)) ** 2).mean()


def fitnet_pool(student, teacher, weights, r):
    s, t = pooled_pair(student, teacher)
    return ((s - t) ** 2).mean()


def numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def case(kind, fn, r, student, teacher, weights, options=None):
    value = fn(student, teacher, weights, r)
    grad_s = numeric_grad(lambda: fn(student, teacher, weights, r), student)
    grad_w = [numeric_grad(lambda: fn(student, teacher, weights, r), w) for w in weights]
    return {
        'loss': {'kind': kind, **(options if options is not None else {'scale': r})},
        'student': packed(student),
        'teacher': packed(teacher),
        'weights': [packed(w) for w in weights],
        'value': float(value),
        'grad_student': packed(grad_s),
        'grad_weights': [packed(g) for g in grad_w],
    }


def main():
    rng = np.random.default_rng(17)
    cases = []
    # isrd: f0 [N, h, w, C] at the LR size, the HR image [N, r h, r w, 3]; slopes away from 0.25 so they matter.
    for r, (h, w), c in [(2, (3, 4), 5), (4, (2, 2), 3)]:
        f0 = rng.normal(size=(2, h, w, c))
        hr = rng.normal(size=(2, h * r, w * r, 3))
        wts = [rng.normal(scale=0.5, size=(c, 3 * r * r)), np.array([0.25, -0.1, 0.6])]
        cases.append(case('isrd', isrd, r, f0, hr, wts))
    # isrd with an HR size that r does not divide (the released code crops the SR image): 3x3 -> 5x5 at r = 2.
    f0 = rng.normal(size=(1, 3, 3, 4))
    hr = rng.normal(size=(1, 5, 5, 3))
    cases.append(case('isrd', isrd, 2, f0, hr, [rng.normal(scale=0.5, size=(4, 12)), np.array([0.3, 0.2, 0.1])]))
    # fsr: the student map [N, h, w, C_s] lifted to the assistant's [N, r h, r w, C_t].
    for r, (h, w), cs, ct in [(2, (2, 3), 4, 3), (4, (1, 2), 3, 2)]:
        fs = rng.normal(size=(2, h, w, cs))
        ft = np.maximum(rng.normal(size=(2, h * r, w * r, ct)), 0)
        cases.append(case('fsr', fsr, r, fs, ft, [rng.normal(scale=0.5, size=(cs, ct * r * r))]))
    # at / fitnet between an LR student map and an HR teacher map (teacher 2x and 4x larger), and the reverse for at.
    for kind, fn in [('at', at_pool), ('fitnet', fitnet_pool)]:
        for ratio in [2, 4]:
            fs = rng.normal(size=(2, 2, 2, 3))
            ft = rng.normal(size=(2, 2 * ratio, 2 * ratio, 3 if kind == 'fitnet' else 5))
            cases.append(case(kind, fn, 1, fs, ft, [], {'resolution': 'pool'}))
    cases.append(case('at', at_pool, 1, rng.normal(size=(2, 4, 4, 3)), rng.normal(size=(2, 2, 2, 6)), [], {'resolution': 'pool'}))
    # Non-integer ratios (Fashion-MNIST: a 7x7 teacher map against 4x4 and 2x2 student maps): adaptive bins.
    for kind, fn in [('at', at_pool), ('fitnet', fitnet_pool)]:
        for size in [4, 2]:
            fs = rng.normal(size=(2, size, size, 3))
            ft = rng.normal(size=(2, 7, 7, 3 if kind == 'fitnet' else 5))
            cases.append(case(kind, fn, 1, fs, ft, [], {'resolution': 'pool'}))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pixel_losses.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'gen_pixel_losses.py (numpy, float64, central-difference gradients)', 'cases': cases}, f)
        f.write('\n')
    print(f'wrote {len(cases)} cases to {out}')


if __name__ == '__main__':
    main()
