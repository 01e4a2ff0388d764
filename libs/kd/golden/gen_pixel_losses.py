"""Golden values for the pixel-distillation losses of @kdlab/kd (isrd, fsr), with numpy.

Run: .venv/bin/python libs/kd/golden/gen_pixel_losses.py   (numpy only)
Writes pixel_losses.json beside this file, in the format of cls_losses.json: loss options, fixed
inputs (NHWC), the learned weights used (`weights`, in the order of the loss's trainableWeights:
isrd W [C, 3 r^2] and the PReLU slopes [3]; fsr W [C_s, C_t r^2]), the value, and the gradients
w.r.t. the student and each weight.

Written from the released code's modules (gyguo/PixelDistillation lib/models/hrir.py SR1x1:
nn.Conv2d 1x1 without bias, nn.PixelShuffle, nn.PReLU(3), cropped to the HR size; nn.L1Loss) and,
for fsr, from the choices stated in libs/kd/src/losses/fsr.ts (1x1 conv + pixel shuffle, MSE),
in NCHW the PyTorch way; not translated from the TypeScript. Gradients are central differences
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


def case(kind, fn, r, student, teacher, weights):
    value = fn(student, teacher, weights, r)
    grad_s = numeric_grad(lambda: fn(student, teacher, weights, r), student)
    grad_w = [numeric_grad(lambda: fn(student, teacher, weights, r), w) for w in weights]
    return {
        'loss': {'kind': kind, 'scale': r},
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
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pixel_losses.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'gen_pixel_losses.py (numpy, float64, central-difference gradients)', 'cases': cases}, f)
        f.write('\n')
    print(f'wrote {len(cases)} cases to {out}')


if __name__ == '__main__':
    main()
