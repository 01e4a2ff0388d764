"""Golden values for the reference-based SR losses of @kdlab/kd (issue 12, C2-Matching):
c2-triplet (libs/kd/src/losses/c2-triplet.ts) and c2-correlation-kd (c2-correlation-kd.ts).

Run: .venv/bin/python libs/kd/golden/gen_refsr_losses.py   (torch, numpy)
Writes refsr_losses.json beside this file: loss options, view-1 features as `student` and view-2 features
as `teacher` (c2-triplet) or student / teacher view-1 features and both view-2 features in `context`
(c2-correlation-kd), all NHWC, the correspondence map [N, H, W, 2] (x, y, float32 values), the value and
the gradient w.r.t. `student` (and, for the distillation, w.r.t. the student's view-2 features).

Written from the method as the released code computes it (yumingj/C2-Matching@6d60149,
mmsr/models/teacher_contras_model.py and student_contras_distillation_model.py: loss_function), in
PyTorch on NCHW tensors, float64, gradients by autograd; not translated from the TypeScript.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

STRIDE = 4
BORDER = 10


def features(rng, shape):
    """Standard normal values rounded to 1/1024 (exact in float32, short in JSON)."""
    return np.round(rng.standard_normal(shape) * 1024) / 1024


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def homography_map(rng, size, jitter, shift):
    """corr[y, x] = where view-1 pixel (x, y) lies in view 2 under a random homography, rounded to 1/64 px
    (exact in float32, short in JSON)."""
    src = np.array([[0, 0], [size, 0], [size, size], [0, size]], dtype=np.float64)
    dst = src + rng.uniform(-jitter, jitter, src.shape) + np.array(shift)
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    h = np.linalg.svd(np.array(a))[2][-1].reshape(3, 3)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    p = np.stack([xs, ys, np.ones_like(xs)], -1) @ h.T
    return np.round(p[..., :2] / p[..., 2:] * 64) / 64


def matches(corr, h1, w1, h2, w2):
    """Valid view-1 cells (flat ids) and their partners' cells (row, col), as in the released warp()."""
    c = torch.tensor(corr)[::STRIDE, ::STRIDE, :].permute(2, 0, 1).reshape(2, -1)
    x, y = c[0], c[1]
    valid = (x > BORDER) & (x < STRIDE * w2 - BORDER) & (y > BORDER) & (y < STRIDE * h2 - BORDER)
    ids = torch.arange(h1 * w1)[valid]
    pos2 = torch.round(torch.stack([y[valid], x[valid]]) / STRIDE).long()  # half to even
    rows1, cols1 = ids // w1, ids % w1
    return ids, torch.stack([rows1, cols1]), pos2


def triplet(f1, f2, corr, margin, radius, min_matches):
    """f1, f2: [N, C, h, w] (autograd leaves); mean over kept samples of mean relu(margin + pos - min(neg1, neg2))."""
    n, c, h1, w1 = f1.shape
    _, _, h2, w2 = f2.shape
    total, kept = 0, 0
    all_pos1 = torch.stack(torch.meshgrid(torch.arange(h1), torch.arange(w1), indexing='ij')).reshape(2, -1)
    for b in range(n):
        ids, pos1, pos2 = matches(corr[b], h1, w1, h2, w2)
        if ids.numel() < min_matches:
            continue
        a1 = F.normalize(f1[b].reshape(c, -1), dim=0)
        d1 = a1[:, ids]
        d2 = F.normalize(f2[b][:, pos2[0], pos2[1]], dim=0)
        positive = 2 - 2 * (d1 * d2).sum(0)
        cheb2 = (pos2[:, :, None] - pos2[:, None, :]).abs().max(0)[0]
        neg2 = (2 - 2 * d1.t() @ d2 + 10.0 * (cheb2 <= radius).double()).min(1)[0]
        cheb1 = (pos1[:, :, None] - all_pos1[:, None, :]).abs().max(0)[0]
        neg1 = (2 - 2 * d2.t() @ a1 + 10.0 * (cheb1 <= radius).double()).min(1)[0]
        total = total + F.relu(margin + positive - torch.minimum(neg1, neg2)).mean()
        kept += 1
    return total / kept, kept


def correlation_kd(s1, s2, t1, t2, corr, tau, min_matches):
    n, _, h1, w1 = s1.shape
    _, _, h2, w2 = s2.shape
    total, kept = 0, 0
    for b in range(n):
        ids, _, pos2 = matches(corr[b], h1, w1, h2, w2)
        if ids.numel() < min_matches:
            continue
        def corr_matrix(v1, v2):
            d1 = F.normalize(v1[b].reshape(v1.shape[1], -1), dim=0)[:, ids]
            d2 = F.normalize(v2[b][:, pos2[0], pos2[1]], dim=0)
            return d1.t() @ d2 / tau
        kl = F.kl_div(F.log_softmax(corr_matrix(s1, s2), dim=1), F.softmax(corr_matrix(t1, t2).detach(), dim=1), reduction='batchmean')
        total = total + kl
        kept += 1
    return total / kept, kept


def nhwc(t):
    return t.detach().permute(0, 2, 3, 1).numpy()


def leaf(a):
    return torch.tensor(a, dtype=torch.float64).permute(0, 3, 1, 2).contiguous().requires_grad_(True)


def main():
    rng = np.random.default_rng(20261201)
    size, c = 48, 4
    grid = size // STRIDE
    cases = []
    # (jitter, shift of sample 2, options): sample 2 shifted by 30 px keeps too few matches and is skipped.
    for jitter, shift2, opts in [(1.5, (0, 0), {}), (2.0, (3, -2), {'safeRadius': 2}), (1.5, (30, 30), {'margin': 0.5})]:
        corr = np.stack([homography_map(rng, size, jitter, (0, 0)), homography_map(rng, size, jitter, shift2)])
        f1 = features(rng, (2, grid, grid, c))
        # view 2 a noisy copy of view 1 (near-identity homographies: partners are mostly the same cell),
        # so some triplets are inactive and some are not
        f2 = f1 + np.round(0.6 * rng.standard_normal(f1.shape) * 1024) / 1024
        options = {'kind': 'c2-triplet', 'minMatches': 20, **opts}
        a, b = leaf(f1), leaf(f2)
        value, kept = triplet(a, b, corr, opts.get('margin', 1.0), opts.get('safeRadius', 4), 20)
        value.backward()
        cases.append({'loss': options, 'student': packed(f1), 'teacher': packed(f2), 'correspondence': packed(corr),
                      'kept_samples': kept, 'value': float(value.detach()), 'grad_student': packed(nhwc(a.grad))})
    for jitter, shift2, tau, ct in [(5.0, (0, 0), 0.15, 4), (6.0, (30, 30), 0.15, 6), (5.0, (2, 2), 1.0, 4)]:
        corr = np.stack([homography_map(rng, size, jitter, (0, 0)), homography_map(rng, size, jitter, shift2)])
        s1 = features(rng, (2, grid, grid, c))
        s2 = features(rng, (2, grid, grid, c))
        t1 = features(rng, (2, grid, grid, ct))
        t2 = features(rng, (2, grid, grid, ct))
        a, b = leaf(s1), leaf(s2)
        value, kept = correlation_kd(a, b, leaf(t1), leaf(t2), corr, tau, 20)
        value.backward()
        cases.append({'loss': {'kind': 'c2-correlation-kd', 'temperature': tau, 'minMatches': 20}, 'student': packed(s1), 'teacher': packed(t1),
                      'reference_student': packed(s2), 'reference_teacher': packed(t2), 'correspondence': packed(corr), 'kept_samples': kept,
                      'value': float(value.detach()), 'grad_student': packed(nhwc(a.grad)), 'grad_reference_student': packed(nhwc(b.grad))})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'refsr_losses.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'libs/kd/golden/gen_refsr_losses.py (PyTorch %s, float64)' % torch.__version__, 'cases': cases}, f)
    for case in cases:
        print(case['loss'], case['kept_samples'], case['value'])
    print('wrote', path)


if __name__ == '__main__':
    main()
