"""Golden values for DCS-RISR's training losses of @kdlab/kd (abstract-only readings; see each file):
dcs-nonlocal (libs/kd/src/losses/dcs-nonlocal.ts), dcs-flops (dcs-flops.ts), dcs-degradation-l1
(dcs-degradation-l1.ts).

Run: .venv/bin/python libs/kd/golden/gen_dcs_losses.py   (numpy, torch for autograd only)
Writes dcs_losses.json beside this file, in the format of losses.json (loss options, student,
teacher, value, gradient w.r.t. the student; dcs-degradation-l1 cases add `degradation`, the batch
target), float64. The formulas are written here from the loss files' headers, independently of the
TypeScript: patches cut with numpy index arithmetic (not reshape/transpose), affinities as explicit
pairwise cosines of centred patch vectors; gradients by torch autograd through the same code.
"""
import json
import os

import numpy as np
import torch


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def patch_cosines(x, size):
    """x: torch [N, H, W, C]; size x size patches in row-major patch order; [N, M, M] cosines."""
    n, h, w, c = x.shape
    gh, gw = h // size, w // size
    out = []
    for b in range(n):
        vecs = []
        for i in range(gh):
            for j in range(gw):
                p = x[b, i * size:(i + 1) * size, j * size:(j + 1) * size, :].reshape(-1)
                p = p - p.mean()
                vecs.append(p / torch.sqrt((p * p).sum() + 1e-8))
        m = len(vecs)
        out.append(torch.stack([torch.stack([(vecs[i] * vecs[j]).sum() for j in range(m)]) for i in range(m)]))
    return torch.stack(out)


def nonlocal_loss(f, hr, patch):
    scale = hr.shape[1] // f.shape[1]
    d = patch_cosines(f, patch) - patch_cosines(hr, patch * scale)
    return (d * d).mean()


def flops_loss(alpha, target):
    r = (1 - alpha) ** 2 + (1 - (1 - alpha) ** 2) / 4
    return torch.clamp(r.mean(dim=1) - target, min=0).mean()


def case(kind_opts, s, t, fn, extra=None):
    st = torch.tensor(s, dtype=torch.float64, requires_grad=True)
    value = fn(st)
    value.backward()
    c = {'loss': kind_opts, 'student': packed(s), 'teacher': packed(t), 'value': float(value.detach()), 'grad_student': packed(st.grad.numpy())}
    if extra:
        c.update(extra)
    return c


def main():
    rng = np.random.default_rng(20261202)
    cases = []
    # Non-local: features on the LR grid, HR at scale s; one case crops (h, w not multiples of p).
    for n, h, w, ch, scale, patch in [(2, 4, 4, 3, 2, 2), (1, 6, 4, 5, 4, 2), (2, 5, 7, 2, 2, 2), (1, 8, 8, 4, 4, 4)]:
        f = rng.standard_normal((n, h, w, ch))
        hr = rng.random((n, h * scale, w * scale, 3))
        hr_t = torch.tensor(hr, dtype=torch.float64)
        cases.append(case({'kind': 'dcs-nonlocal', 'patch': patch}, f, hr, lambda x: nonlocal_loss(x, hr_t, patch)))
    # Budget: per-image mean cost above / below the target (no alpha exactly at the hinge).
    for n, b, target in [(3, 4, 0.4375), (4, 2, 0.3)]:
        alpha = rng.random((n, b))
        cases.append(case({'kind': 'dcs-flops', 'target': target}, alpha, np.zeros((n, 1)), lambda x: flops_loss(x, target)))
    # Degradation regression: L1 to the batch target.
    for n, d in [(2, 2), (3, 11)]:
        pred = rng.random((n, d))
        deg = rng.random((n, d))
        deg_t = torch.tensor(deg, dtype=torch.float64)
        cases.append(case({'kind': 'dcs-degradation-l1'}, pred, np.zeros((n, 1)), lambda x: (x - deg_t).abs().mean(), {'degradation': packed(deg)}))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'dcs_losses.json')
    with open(path, 'w') as fh:
        json.dump({'generator': 'libs/kd/golden/gen_dcs_losses.py (numpy %s, torch %s autograd, float64)' % (np.__version__, torch.__version__), 'cases': cases}, fh)
    for c in cases:
        print(c['loss'], c['value'])
    print('wrote', path)


if __name__ == '__main__':
    main()
