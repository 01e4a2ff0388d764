"""Golden values for the blind-SR losses of @kdlab/kd: kdsr-idr-kl (libs/kd/src/losses/kdsr-idr-kl.ts).

Run: .venv/bin/python libs/kd/golden/gen_blindsr_losses.py   (torch, numpy)
Writes blindsr_losses.json beside this file, in the format of losses.json (loss options, fixed
student/teacher representations [N, D], value, gradient w.r.t. the student), float64.

The loss is computed with the PyTorch calls of the released KDSR stage-2 trainer
(Zj-BinXia/KDSR@c7c9e81, KDSR-classic/trainer_iso_stage4.py):
  F.kl_div(F.log_softmax(S / tau, dim=1), F.softmax(T.detach() / tau, dim=1), reduction='batchmean')
(no tau^2 factor), and its gradient by torch autograd, independently of the TypeScript.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def kdsr_kl(s, t, tau):
    return F.kl_div(F.log_softmax(s / tau, dim=1), F.softmax(t.detach() / tau, dim=1), reduction='batchmean')


def main():
    rng = np.random.default_rng(20261201)
    cases = []
    # D = 4 * n_feats after a LeakyReLU(0.1): mostly positive values of order 0.1-1.
    for n, d, tau, spread in [(2, 8, 0.15, 0.3), (3, 16, 0.15, 1.0), (2, 8, 1.0, 1.0)]:
        s = rng.standard_normal((n, d)) * spread
        t = rng.standard_normal((n, d)) * spread
        st = torch.tensor(s, dtype=torch.float64, requires_grad=True)
        value = kdsr_kl(st, torch.tensor(t, dtype=torch.float64), tau)
        value.backward()
        cases.append({'loss': {'kind': 'kdsr-idr-kl', 'temperature': tau}, 'student': packed(s), 'teacher': packed(t),
                      'value': float(value.detach()), 'grad_student': packed(st.grad.numpy())})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'blindsr_losses.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'libs/kd/golden/gen_blindsr_losses.py (PyTorch %s, float64)' % torch.__version__, 'cases': cases}, f)
    for c in cases:
        print(c['loss'], c['value'])
    print('wrote', path)


if __name__ == '__main__':
    main()
