"""Golden values for the retrieval losses of @kdlab/kd (dcd), with PyTorch (float64).

Run: /usr/bin/python3 libs/kd/golden/gen_retrieval_losses.py   (torch 1.13, numpy)
Writes retrieval_losses.json beside this file in the format of losses.json (loss options, fixed
inputs, value, gradient w.r.t. the student scores).

The released variant follows raojay7/DCD step by step in the PyTorch way: torch.sort of the
teacher scores, the zero-mask / padding trick that moves the positive (slot 0) to the front of
the student's candidates, the teacher scores left in sorted order, r = softmax((1 - w)^2) times
the batch-mean F.mse_loss, and BCE-with-logits per sample weighted by w. The aligned variant
gathers the teacher at the student's slots and weights the per-sample MSE by r; the static one
uses uniform weights. Inputs have no ties (torch.sort on CPU need not be stable).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = np.random.RandomState(19)


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def select(teacher, k):
    """Released selection: returns student slots [B, k+1] (positive first) and the teacher's sorted top-(k+1) slots."""
    bs = teacher.shape[0]
    _, idx = torch.sort(teacher, descending=True)
    idx = idx[:, :k + 1]
    has_zero = (idx == 0).any(dim=1, keepdim=True).to(torch.long)
    # The last column survives only when the positive is among the top k+1; otherwise it becomes 0.
    masked = idx * torch.cat([torch.ones(bs, k, dtype=torch.long), has_zero], dim=1)
    others = masked[masked != 0].view(bs, -1)
    student_slots = torch.cat([torch.zeros(bs, 1, dtype=torch.long), others], dim=1)
    return student_slots, idx


def dcd(y_full, t_full, alpha, T, k, dynamic, variant):
    s_slots, t_sorted = select(t_full, k)
    rows = torch.arange(y_full.shape[0])[:, None]
    y = y_full[rows, s_slots]
    t = t_full[rows, t_sorted] if variant == 'released' else t_full[rows, s_slots]
    bs = y.shape[0]
    if dynamic:
        p = F.softmax(t, dim=1)
        h = torch.sum(p * torch.log(p), dim=1)
        w = h / torch.sum(p * torch.log(p))
        r = F.softmax((1 - w) ** 2, dim=0)
    else:
        w = torch.full((bs,), 1.0 / bs)
        r = w
    if variant == 'released':
        d = T * T * torch.sum(F.mse_loss(t / T, y / T) * r)
    else:
        d = T * T * torch.sum(((t / T - y / T) ** 2).mean(dim=1) * r)
    label = torch.zeros(k + 1)
    label[0] = 1
    n = torch.zeros(())
    for i in range(bs):
        n = n + F.binary_cross_entropy_with_logits(y[i], label) * w[i]
    return alpha * d + (1 - alpha) * n


def case(opts, b, pool, teacher_fn=None):
    student = rng.randn(b, pool) * 2
    teacher = rng.randn(b, pool) * 3 if teacher_fn is None else teacher_fn(b, pool)
    y = torch.tensor(student, requires_grad=True)
    value = dcd(y, torch.tensor(teacher), opts['alpha'], opts['temperature'], opts['hardNegatives'], opts['dynamic'], opts['variant'])
    value.backward()
    return {'loss': {'kind': 'dcd', **opts}, 'student': packed(student), 'teacher': packed(teacher), 'value': float(value), 'grad_student': packed(y.grad.numpy())}


def hard_teacher(b, pool):
    """Row 0 ranks the positive first, row 1 second, row 2 outside the top k+1, row 3 last."""
    t = rng.randn(b, pool) * 2
    order = np.argsort(-t, axis=1)
    for i, place in enumerate([0, 1, pool - 2, pool - 1][:b]):
        t[i, 0] = t[i, order[i, place]] + (0.01 if place == 0 else -1e-3) if place else t[i].max() + 0.5
        if place:
            t[i, 0] = np.sort(t[i, 1:])[::-1][place - 1] - 0.05 if place - 1 < pool - 1 else t[i, 1:].min() - 0.5
    return t


def main():
    base = {'alpha': 0.2, 'temperature': 1.0, 'hardNegatives': 3}
    cases = []
    for variant in ['aligned', 'released']:
        for dynamic in [True, False]:
            cases.append(case({**base, 'dynamic': dynamic, 'variant': variant}, 4, 8, hard_teacher))
    cases.append(case({**base, 'dynamic': True, 'variant': 'aligned'}, 5, 16))
    cases.append(case({'alpha': 0.5, 'temperature': 2.0, 'hardNegatives': 7, 'dynamic': True, 'variant': 'released'}, 3, 16))
    cases.append(case({'alpha': 0.5, 'temperature': 2.0, 'hardNegatives': 7, 'dynamic': True, 'variant': 'aligned'}, 3, 16))
    out = {'generator': 'libs/kd/golden/gen_retrieval_losses.py', 'torch': torch.__version__, 'cases': cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'retrieval_losses.json')
    with open(path, 'w') as f:
        json.dump(out, f)
    print(f'{path}: {len(cases)} cases')


if __name__ == '__main__':
    main()
