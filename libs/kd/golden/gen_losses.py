"""Golden values for the distillation losses of @kdlab/kd, computed with PyTorch.

Run: .venv/bin/python libs/kd/golden/gen_losses.py   (the project .venv: numpy, and torch, which sentence-transformers brings)
Writes losses.json beside this file. Each case holds the loss options, the fixed
inputs (drawn from a seeded numpy RNG, stored in NHWC like our tensors), the loss
value and its gradient with respect to the student tensor (torch autograd).

The losses below are written from the formulas in the papers (NCHW, the PyTorch
way), not translated from the TypeScript; where a paper leaves a detail open we
implement the same documented choice as the doc comment of
libs/kd/src/losses/<kind>.ts.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)  # reference values in double precision


def to_nchw(a):
    return torch.tensor(a).permute(0, 3, 1, 2)


def packed(a):
    return {'shape': list(a.shape), 'data': a.astype(np.float64).flatten().tolist()}


# ---- losses (NCHW) -----------------------------------------------------------

def l1(s, t):
    return (s - t).abs().mean()


def l2(s, t):
    return ((s - t) ** 2).mean()


def fitnet(s, t, distance):
    return l1(s, t) if distance == 'l1' else l2(s, t)


def spatial_affinity(fm, eps=1e-8):
    # FAKD (He et al. 2020): normalise each position's channel vector, A = F^T F over positions.
    n, c = fm.shape[:2]
    f = fm.reshape(n, c, -1)
    f = f / (torch.sqrt((f ** 2).sum(dim=1, keepdim=True)) + eps)
    return torch.bmm(f.transpose(1, 2), f)


def fakd(s, t, distance, pool=1):
    if pool > 1:  # kdlab's pool option: average-pool both maps before the affinity
        s, t = F.avg_pool2d(s, pool), F.avg_pool2d(t, pool)
    a_s, a_t = spatial_affinity(s), spatial_affinity(t)
    return (a_s - a_t).abs().mean() if distance == 'l1' else ((a_s - a_t) ** 2).mean()


def facd(s, t, s_out, t_out, hr, adaptive, distance, eps=1e-7):
    n = s.shape[0]
    fs, ft = s.reshape(n, 1, -1), t.reshape(1, n, -1)
    diff = fs - ft  # [anchor i, teacher j, features]
    d = diff.abs().mean(-1) if distance == 'l1' else (diff ** 2).mean(-1)
    pos = torch.diagonal(d)
    neg = (d.sum(1) - pos) / (n - 1)
    ratio = pos / (neg + eps)
    if adaptive:
        mse_t = ((t_out - hr) ** 2).reshape(n, -1).mean(1)
        mse_s = ((s_out - hr) ** 2).reshape(n, -1).mean(1)
        gate = (mse_t < mse_s).to(ratio.dtype)
    else:
        gate = torch.ones_like(ratio)
    return (gate * ratio).mean(), gate


def lsfd(s, t, kernel, temperature, distance, eps=1e-7):
    e = (s - t).abs() if distance == 'l1' else (s - t) ** 2
    e = e.mean(dim=1, keepdim=True)  # [n, 1, h, w]
    d = F.avg_pool2d(e, kernel, stride=1, padding=kernel // 2, count_include_pad=False)
    n = d.shape[0]
    d = d.reshape(n, -1)
    w = d.detach()
    logits = w / (temperature * w.mean(dim=1, keepdim=True) + eps)
    att = torch.softmax(logits, dim=1)
    return (att * d).sum(dim=1).mean()


# ---- cases ---------------------------------------------------------------------

def case(loss, student, teacher, fn, context=None):
    s = to_nchw(student).requires_grad_(True)
    t = to_nchw(teacher)
    value = fn(s, t)
    extra = {}
    if isinstance(value, tuple):
        value, gate = value
        extra['gate'] = gate.tolist()
    value.backward()
    grad = s.grad.permute(0, 2, 3, 1).detach().numpy()
    out = {'loss': loss, 'student': packed(student), 'teacher': packed(teacher), 'value': float(value), 'grad_student': packed(grad), **extra}
    if context is not None:
        out['context'] = {k: packed(v) for k, v in context.items()}
    return out


def main():
    rng = np.random.default_rng(20240601)
    normal = lambda *shape: rng.standard_normal(shape)
    cases = []

    s, t = normal(2, 3, 4, 5), normal(2, 3, 4, 5)
    cases.append(case({'kind': 'l1'}, s, t, l1))
    cases.append(case({'kind': 'l2'}, s, t, l2))
    cases.append(case({'kind': 'fitnet'}, s, t, lambda a, b: fitnet(a, b, 'l2')))
    cases.append(case({'kind': 'fitnet', 'distance': 'l1'}, s, t, lambda a, b: fitnet(a, b, 'l1')))

    s, t = normal(2, 3, 4, 5), normal(2, 3, 4, 7)  # affinity needs no matching widths
    cases.append(case({'kind': 'fakd'}, s, t, lambda a, b: fakd(a, b, 'l1')))
    cases.append(case({'kind': 'fakd', 'distance': 'l2'}, s, t, lambda a, b: fakd(a, b, 'l2')))

    s, t = normal(3, 4, 3, 6), normal(3, 4, 3, 6)
    hr = rng.uniform(0, 1, size=(3, 8, 6, 3))
    # Teacher closer to HR than the student on images 0 and 2, farther on image 1.
    t_noise = np.array([0.01, 0.2, 0.02]).reshape(3, 1, 1, 1)
    s_noise = np.array([0.05, 0.05, 0.05]).reshape(3, 1, 1, 1)
    t_out = hr + t_noise * normal(3, 8, 6, 3)
    s_out = hr + s_noise * normal(3, 8, 6, 3)
    ctx = {'student_output': s_out, 'teacher_output': t_out, 'target': hr}
    hr_c, to_c, so_c = to_nchw(hr), to_nchw(t_out), to_nchw(s_out)
    cases.append(case({'kind': 'facd'}, s, t, lambda a, b: facd(a, b, so_c, to_c, hr_c, True, 'l1'), ctx))
    cases.append(case({'kind': 'facd', 'adaptive': False}, s, t, lambda a, b: facd(a, b, so_c, to_c, hr_c, False, 'l1'), ctx))
    cases.append(case({'kind': 'facd', 'distance': 'l2'}, s, t, lambda a, b: facd(a, b, so_c, to_c, hr_c, True, 'l2'), ctx))

    s, t = normal(2, 5, 6, 4), normal(2, 5, 6, 4)
    cases.append(case({'kind': 'lsfd'}, s, t, lambda a, b: lsfd(a, b, 3, 1.0, 'l2')))
    cases.append(case({'kind': 'lsfd', 'kernel': 5, 'temperature': 0.5, 'distance': 'l1'}, s, t, lambda a, b: lsfd(a, b, 5, 0.5, 'l1')))
    cases.append(case({'kind': 'lsfd', 'kernel': 1}, s, t, lambda a, b: lsfd(a, b, 1, 1.0, 'l2')))

    # Appended last so the cases above keep their inputs (one RNG stream).
    s, t = normal(2, 4, 6, 3), normal(2, 4, 6, 5)
    cases.append(case({'kind': 'fakd', 'pool': 2}, s, t, lambda a, b: fakd(a, b, 'l1', 2)))

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'losses.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'libs/kd/golden/gen_losses.py (PyTorch %s, float64)' % torch.__version__, 'cases': cases}, f)
    for c in cases:
        print(c['loss'], c['value'], c.get('gate', ''))
    print('wrote', path)


if __name__ == '__main__':
    main()
