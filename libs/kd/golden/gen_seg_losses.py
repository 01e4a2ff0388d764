"""Golden values for the segmentation losses of @kdlab/kd (pixel-ce, pixel-kd, skd-pairwise,
coco-correlation, wgan-gp, factor-transfer), with PyTorch.

Run: /usr/bin/python3 libs/kd/golden/gen_seg_losses.py   (torch 1.13, numpy)
Writes seg_losses.json beside this file: for each case the loss options, fixed inputs (NHWC,
as the TypeScript side takes them), the value, the gradient w.r.t. the student tensor and,
where the loss has learned weights, those weights (TF layout: conv kernels [kh, kw, in, out],
then bias, layer by layer) with the gradients w.r.t. them. coco-correlation cases carry the
partner layers (`student_partner`, `teacher_partner`); wgan-gp cases also hold the critic
objective with fixed interpolation weights `eps`; factor-transfer cases the paraphraser's
reconstruction objective.

Each loss is written here from its definition (NCHW, the PyTorch way: F.conv2d,
F.leaky_relu, F.avg_pool2d, autograd for the gradient penalty), not translated from the
TypeScript; the documented choices of libs/kd/src/losses/<kind>.ts are made the same way.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(18)


def packed(a):
    a = a.detach().numpy() if torch.is_tensor(a) else np.asarray(a)
    return {'shape': list(a.shape), 'data': a.astype(np.float64).flatten().tolist()}


def nchw(x):
    return x.permute(0, 3, 1, 2)


def rand(*shape, scale=1.0):
    return torch.tensor(rng.normal(0, scale, shape), requires_grad=True)


def conv_weights(cin, layers):
    """TF-layout kernels and biases for a stack of (out, kernel) layers."""
    ws = []
    for out, k in layers:
        bound = 1 / np.sqrt(cin * k * k)
        ws.append(torch.tensor(rng.uniform(-bound, bound, (k, k, cin, out)), requires_grad=True))
        ws.append(torch.tensor(rng.uniform(-bound, bound, (out,)), requires_grad=True))
        cin = out
    return ws


def stack(x, ws, strides, slope, activate_last):
    """x NCHW; 'same' padding (symmetric for the sizes used here: k=3 s=1, k=4 s=2 on even sizes)."""
    n = len(ws) // 2
    for i in range(n):
        k = ws[2 * i].shape[0]
        pad = (k - 1) // 2 if strides[i] == 1 else (k - strides[i]) // 2
        x = F.conv2d(x, ws[2 * i].permute(3, 2, 0, 1).contiguous(), ws[2 * i + 1], stride=strides[i], padding=pad)
        if i < n - 1 or activate_last:
            x = F.leaky_relu(x, slope)
    return x


def grads(value, tensors):
    return torch.autograd.grad(value, tensors, retain_graph=True, allow_unused=True)


# ---- losses -------------------------------------------------------------------------

def pixel_ce(s, y):
    return -(y * F.log_softmax(s, dim=-1)).sum(-1).mean()


def pixel_kd(s, t, T):
    pt = F.softmax(t / T, dim=-1)
    return (pt * (F.log_softmax(t / T, dim=-1) - F.log_softmax(s / T, dim=-1))).sum(-1).mean() * T * T


def affinity(x, pool):
    x = nchw(x)
    if pool > 1:
        x = F.avg_pool2d(x, pool)
    n, c = x.shape[:2]
    f = x.reshape(n, c, -1).transpose(1, 2)  # [n, P, c]
    f = f / (f.norm(dim=2, keepdim=True) + 1e-7)
    return f @ f.transpose(1, 2)


def skd_pairwise(s, t, pool):
    return ((affinity(s, pool) - affinity(t, pool)) ** 2).mean()


def cross_layer(a, b, pool):
    ra = a.shape[1] // b.shape[1]
    if ra > 1:
        a = F.avg_pool2d(nchw(a), ra).permute(0, 2, 3, 1)
    ka, kb = affinity(a, pool), affinity(b, pool)
    return ka @ kb / ka.shape[1]


def coco(s, sb, t, tb, pool):
    return ((cross_layer(s, sb, pool) - cross_layer(t, tb, pool)) ** 2).mean()


def critic_score(x, ws):
    strides = [2] * (len(ws) // 2 - 1) + [1]
    return stack(nchw(x), ws, strides, 0.2, False).mean((1, 2, 3))


def wgan_student(s, ws):
    return -critic_score(F.softmax(s, dim=-1), ws).mean()


def wgan_critic(s, t, ws, eps, gp_weight):
    fake, real = F.softmax(s, dim=-1).detach(), F.softmax(t, dim=-1).detach()
    xhat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    g, = torch.autograd.grad(critic_score(xhat, ws).sum(), xhat, create_graph=True)
    gp = ((torch.sqrt((g ** 2).sum((1, 2, 3)) + 1e-12) - 1) ** 2).mean()
    return critic_score(fake, ws).mean() - critic_score(real, ws).mean() + gp_weight * gp


def unit_rows(x):
    f = x.reshape(x.shape[0], -1)
    return f / f.norm(dim=1, keepdim=True).clamp_min(1e-12)


def ft_value(s, t, enc, tr):
    ps = stack(nchw(s), tr, [1, 1, 1], 0.1, True)
    pt = stack(nchw(t), enc, [1, 1, 1], 0.1, True)
    return (unit_rows(ps) - unit_rows(pt)).abs().mean()


def ft_reconstruction(t, enc, dec):
    x = nchw(t)
    return ((stack(stack(x, enc, [1, 1, 1], 0.1, True), dec, [1, 1, 1], 0.1, True) - x) ** 2).mean()


def main():
    cases = []

    s = rand(2, 5, 6, 3)
    y = torch.tensor(np.eye(3)[rng.integers(0, 3, (2, 5, 6))])
    v = pixel_ce(s, y)
    cases.append({'loss': {'kind': 'pixel-ce'}, 'student': packed(s), 'teacher': packed(y), 'value': v.item(), 'grad_student': packed(grads(v, [s])[0])})

    for T in (1.0, 2.0):
        s, t = rand(2, 5, 6, 3), rand(2, 5, 6, 3, scale=2)
        v = pixel_kd(s, t, T)
        cases.append({'loss': {'kind': 'pixel-kd', 'temperature': T}, 'student': packed(s), 'teacher': packed(t), 'value': v.item(), 'grad_student': packed(grads(v, [s])[0])})

    for pool in (1, 2):
        s, t = rand(2, 8, 8, 5), rand(2, 8, 8, 7)
        v = skd_pairwise(s, t, pool)
        cases.append({'loss': {'kind': 'skd-pairwise', 'pool': pool}, 'student': packed(s), 'teacher': packed(t), 'value': v.item(), 'grad_student': packed(grads(v, [s])[0])})

    for pool in (1, 2):
        s, sb, t, tb = rand(2, 8, 8, 4), rand(2, 4, 4, 6), rand(2, 8, 8, 5), rand(2, 4, 4, 3)
        v = coco(s, sb, t, tb, pool)
        gs, gsb = grads(v, [s, sb])
        cases.append({'loss': {'kind': 'coco-correlation', 'partner': 'deep', 'pool': pool}, 'student': packed(s), 'teacher': packed(t),
                      'student_partner': packed(sb), 'teacher_partner': packed(tb), 'value': v.item(), 'grad_student': packed(gs), 'grad_student_partner': packed(gsb)})

    s, t = rand(2, 16, 16, 2, scale=2), rand(2, 16, 16, 2, scale=2)
    ws = conv_weights(2, [(4, 4), (6, 4), (1, 3)])
    v = wgan_student(s, ws)
    eps = torch.tensor(rng.uniform(0, 1, (2, 1, 1, 1)))
    c = wgan_critic(s, t, ws, eps, 10.0)
    cases.append({'loss': {'kind': 'wgan-gp', 'channels': [4, 6], 'gpWeight': 10}, 'student': packed(s), 'teacher': packed(t), 'value': v.item(), 'grad_student': packed(grads(v, [s])[0]),
                  'weights': [packed(w) for w in ws], 'eps': packed(eps), 'critic_value': c.item(), 'grad_critic_weights': [packed(g) for g in grads(c, ws)]})

    s, t = rand(2, 6, 6, 3), rand(2, 6, 6, 4)
    enc, dec, tr = conv_weights(4, [(4, 3), (2, 3), (2, 3)]), conv_weights(2, [(2, 3), (4, 3), (4, 3)]), conv_weights(3, [(3, 3), (2, 3), (2, 3)])
    v = ft_value(s, t, enc, tr)
    r = ft_reconstruction(t, enc, dec)
    g = grads(v, [s] + tr)
    cases.append({'loss': {'kind': 'factor-transfer', 'rate': 0.5, 'pretrainSteps': 3}, 'student': packed(s), 'teacher': packed(t), 'value': v.item(), 'grad_student': packed(g[0]),
                  'weights': [packed(w) for w in tr], 'grad_weights': [packed(x) for x in g[1:]],
                  'paraphraser': [packed(w) for w in enc + dec], 'reconstruction_value': r.item(), 'grad_paraphraser': [packed(x) for x in grads(r, enc + dec)]})

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'seg_losses.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'libs/kd/golden/gen_seg_losses.py (PyTorch, float64)', 'cases': cases}, f)
    print(f'wrote {len(cases)} cases to {path}')


if __name__ == '__main__':
    main()
