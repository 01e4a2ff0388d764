"""Golden values for CT's contrastive regularisation loss (libs/kd/src/losses/contrastive-ratio.ts).

Run: /usr/bin/python3 libs/kd/golden/gen_ct_losses.py   (torch 1.13, numpy)
Writes ct_losses.json beside this file. Each case: the loss options, a fixed two-layer encoder
standing in for the frozen teacher (conv3x3 1->4 + ReLU = tap 'e1', conv3x3 4->4 + ReLU = tap 'e2';
kernels in TF layout [kh, kw, in, out], 'same' zero padding), the student output (anchor), the
target (positive) and the input (negative) in NHWC, the loss value and its gradient w.r.t. the
student output, computed with PyTorch autograd in float64 from the formula
    L = sum_i w_i * mean|E_i(s) - E_i(y)| / (mean|E_i(s) - E_i(x)| + eps)
(AECR-Net's ratio form with L1 distances), written here independently of the TypeScript.
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


def encoder(x_nhwc, k1, b1, k2, b2):
    x = x_nhwc.permute(0, 3, 1, 2)
    w1 = torch.from_numpy(k1).permute(3, 2, 0, 1)
    w2 = torch.from_numpy(k2).permute(3, 2, 0, 1)
    e1 = F.relu(F.conv2d(x, w1, torch.from_numpy(b1), padding=1))
    e2 = F.relu(F.conv2d(e1, w2, torch.from_numpy(b2), padding=1))
    return {'e1': e1, 'e2': e2}


def loss_value(s, y, x, layers, weights, eps, enc):
    a, p, n = enc(s), enc(y), enc(x)
    return sum(w * (a[l] - p[l]).abs().mean() / ((a[l] - n[l]).abs().mean() + eps) for l, w in zip(layers, weights))


def main():
    rng = np.random.default_rng(2021)
    k1 = rng.normal(0, 0.5, (3, 3, 1, 4))
    b1 = rng.normal(0, 0.1, (4,))
    k2 = rng.normal(0, 0.3, (3, 3, 4, 4))
    b2 = rng.normal(0, 0.1, (4,))
    enc = lambda t: encoder(t, k1, b1, k2, b2)
    cases = []
    for layers, weights, eps in [(['e1', 'e2'], [0.25, 1.0], 1e-7), (['e2'], [1.0], 1e-7)]:
        y = rng.uniform(0.2, 0.6, (2, 6, 5, 1))                    # clean target (NDCT)
        x = y + rng.normal(0, 0.08, y.shape)                        # degraded input (LDCT)
        s = y + rng.normal(0, 0.03, y.shape)                        # restored output
        st = torch.tensor(s, requires_grad=True)
        v = loss_value(st, torch.tensor(y), torch.tensor(x), layers, weights, eps, enc)
        v.backward()
        cases.append({
            'loss': {'kind': 'contrastive-ratio', 'layers': layers, 'weights': weights, 'eps': eps},
            'encoder': {'k1': packed(k1), 'b1': packed(b1), 'k2': packed(k2), 'b2': packed(b2)},
            'student': packed(s), 'target': packed(y), 'input': packed(x),
            'value': float(v), 'grad_student': packed(st.grad.numpy()),
        })
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ct_losses.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'libs/kd/golden/gen_ct_losses.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'wrote {out}: {len(cases)} cases')


if __name__ == '__main__':
    main()
