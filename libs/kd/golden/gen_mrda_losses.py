"""Golden values for MRDA's representation distillation: mrda-repr-kd (libs/kd/src/losses/mrda-repr-kd.ts).

Run: .venv/bin/python libs/kd/golden/gen_mrda_losses.py   (torch, numpy)
Writes mrda_losses.json beside this file, in the format of losses.json (loss options, fixed
student/teacher representations [N, D], value, gradient w.r.t. the student), float64.

The loss is computed with the PyTorch calls of the released MRDA stage-4 trainer
(Zj-BinXia/MRDA@36f9c65, trainer_stage4.py), independently of the TypeScript:
  F.kl_div(F.log_softmax(S / tau, dim=1), F.softmax(T / tau, dim=1), reduction='batchmean')
  + 0.1 * nn.L1Loss()(S, T)
and its gradient by torch autograd.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def mrda_kd(s, t, tau, l1_weight):
    kl = F.kl_div(F.log_softmax(s / tau, dim=1), F.softmax(t / tau, dim=1), reduction='batchmean')
    return kl + l1_weight * nn.L1Loss()(s, t)


def main():
    rng = np.random.default_rng(20261202)
    cases = []
    # D = 4 * n_feats, the DEN's last Linear (no activation): signed values of order 0.1-1.
    for n, d, tau, l1_weight, spread in [(2, 8, 0.15, 0.1, 0.3), (3, 16, 0.15, 0.1, 1.0), (2, 8, 1.0, 0.5, 1.0), (2, 8, 0.15, 0.0, 0.5)]:
        s = rng.standard_normal((n, d)) * spread
        t = rng.standard_normal((n, d)) * spread
        st = torch.tensor(s, dtype=torch.float64, requires_grad=True)
        value = mrda_kd(st, torch.tensor(t, dtype=torch.float64), tau, l1_weight)
        value.backward()
        cases.append({'loss': {'kind': 'mrda-repr-kd', 'temperature': tau, 'l1Weight': l1_weight}, 'student': packed(s), 'teacher': packed(t),
                      'value': float(value.detach()), 'grad_student': packed(st.grad.numpy())})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mrda_losses.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'libs/kd/golden/gen_mrda_losses.py (PyTorch %s, float64)' % torch.__version__, 'cases': cases}, f)
    for c in cases:
        print(c['loss'], c['value'])
    print('wrote', path)


if __name__ == '__main__':
    main()
