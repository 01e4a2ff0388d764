"""Golden values for the EEG domain's loss (skkd) of @kdlab/kd, with PyTorch.

Run: /usr/bin/python3 libs/kd/golden/gen_eeg_losses.py   (torch 1.13, numpy)
Writes eeg_losses.json beside this file, in the format of losses.json: loss options, fixed inputs
(NHWC or [N, D]), value, gradient w.r.t. the student.

skkd is written here from the choices stated in libs/kd/src/losses/skkd.ts (the paper, arXiv
2212.03329, has no released code and only its abstract was read), not translated from the
TypeScript: per-sample L2-normalised features, cosine-similarity matrix of the batch, mean squared
difference over the off-diagonal pairs.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def skkd(s, t):
    b = s.shape[0]

    def sim(f):
        u = F.normalize(f.reshape(b, -1), dim=1)
        return u @ u.t()
    d = (sim(s) - sim(t)) ** 2
    return (d.sum() - torch.diagonal(d).sum()) / (b * (b - 1))


def case(loss, student, teacher, fn):
    s = torch.tensor(student, requires_grad=True)
    t = torch.tensor(teacher)
    value = fn(s, t)
    value.backward()
    return {'loss': loss, 'student': packed(student), 'teacher': packed(teacher), 'value': float(value), 'grad_student': packed(s.grad.numpy())}


def main():
    rng = np.random.default_rng(20261201)
    normal = lambda *shape: rng.standard_normal(shape)
    cases = [
        # EEGNet-like 'flatten' features: teacher and student of the same width.
        case({'kind': 'skkd'}, normal(6, 20), normal(6, 20), skkd),
        # Different widths and ranks (NHWC maps [b, 1, T, C]), amplitudes far apart.
        case({'kind': 'skkd'}, 5 * normal(4, 1, 5, 3), 0.2 * normal(4, 1, 2, 8), skkd),
        # Two samples only (one pair).
        case({'kind': 'skkd'}, normal(2, 7), normal(2, 4), skkd),
    ]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'eeg_losses.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'libs/kd/golden/gen_eeg_losses.py (PyTorch %s, float64)' % torch.__version__, 'cases': cases}, f)
    for c in cases:
        print(c['loss'], c['value'])


if __name__ == '__main__':
    main()
