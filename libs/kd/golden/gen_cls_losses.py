"""Golden values for the classification losses of @kdlab/kd (ce, kd, at, sp, mimkd, mcl), with PyTorch.

Run: /usr/bin/python3 libs/kd/golden/gen_cls_losses.py   (torch 1.13, numpy)
Writes cls_losses.json beside this file, in the format of losses.json (loss options, fixed
inputs in NHWC / [N, D], value, gradient w.r.t. the student) plus, for losses with learned
weights (mimkd's critic, mcl's projection heads), the weights used (`weights`, in the order of
the loss's trainableWeights: per MLP W1 [in, hidden], b1, W2 [hidden, out], b2) and the
gradient w.r.t. each (`grad_weights`).

Each loss is written here from its paper's formula (feature maps in NCHW, the PyTorch way), not
translated from the TypeScript; where a paper leaves a detail open the same documented choice
is made as in libs/kd/src/losses/<kind>.ts:
  ce    sum over peers of the mean cross-entropy with the (one-hot) target
  kd    Hinton et al. 2015: T^2 * batch-mean KL(softmax(t/T) || softmax(s/T))
  at    Zagoruyko & Komodakis 2017: a = normalize(mean_c A^p), mean of (a_s - a_t)^2
  sp    Tung & Mori 2019: G = row-normalised Q Q^T, ||G_t - G_s||_F^2 / b^2
  mimkd Deep InfoMax JSD bound with an encode-and-dot critic, global and local levels
  mcl   Yang et al. 2022 (supervised form of the authors' code): VCL, ICL, Soft VCL, Soft ICL; CIFAR default tau 0.1
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def nchw(a):
    return a.permute(0, 3, 1, 2) if a.dim() == 4 else a


# ---- losses ------------------------------------------------------------------------

def ce(s, target):
    c = target.shape[1]
    return sum(-(target * F.log_softmax(s[:, p * c:(p + 1) * c], dim=1)).sum(1).mean() for p in range(s.shape[1] // c))


def kd(s, t, T):
    return F.kl_div(F.log_softmax(s / T, dim=1), F.softmax(t / T, dim=1), reduction='batchmean') * T * T


def at(s, t, p):
    def att(f):
        return F.normalize(nchw(f).abs().pow(p).mean(1).reshape(f.shape[0], -1), dim=1)
    return (att(s) - att(t)).pow(2).mean()


def sp(s, t):
    b = s.shape[0]

    def sim(f):
        q = nchw(f).reshape(b, -1)
        return F.normalize(q @ q.t(), dim=1)
    return ((sim(t) - sim(s)) ** 2).sum() / (b * b)


def mlp(x, w):
    w1, b1, w2, b2 = w
    return torch.relu(x @ w1 + b1) @ w2 + b2


def mimkd(s, t, ws, wt, level):
    n = s.shape[0]
    tg = nchw(t).mean((2, 3)) if t.dim() == 4 else t
    et = mlp(tg, wt)  # [n, d]
    if level == 'global':
        sg = nchw(s).mean((2, 3)) if s.dim() == 4 else s
        scores = (mlp(sg, ws) @ et.t()).reshape(n, 1, n)
    else:
        loc = nchw(s).reshape(n, s.shape[3], -1).transpose(1, 2)  # [n, hw, c]
        scores = mlp(loc, ws) @ et.t()  # [n, hw, n]
    m = scores.shape[1]
    pos = torch.stack([scores[i, :, i] for i in range(n)])  # [n, m]
    mask = torch.eye(n).reshape(n, 1, n).expand(n, m, n)
    neg = scores[mask == 0]
    e_pos = math.log(2) - F.softplus(-pos).mean()
    e_neg = F.softplus(neg).mean() - math.log(2)
    return -(e_pos - e_neg)


def contrast(logit, labels):
    n = logit.shape[0]
    eye = torch.eye(n)
    pos_mask = (labels[:, None] == labels[None, :]).double() - eye
    log_prob = logit - torch.log((torch.exp(logit) * (1 - eye)).sum(1, keepdim=True))
    count = pos_mask.sum(1)
    valid = count > 0
    mean_pos = (pos_mask * log_prob).sum(1)[valid] / count[valid]
    return -mean_pos.mean()


def kl_t(x, y, T):
    return F.kl_div(F.log_softmax(x / T, dim=1), F.softmax(y.detach() / T, dim=1), reduction='batchmean') * T * T


def mcl(s, target, heads, peers, tau, T, w):
    labels = target.argmax(1)
    d = s.shape[1] // peers
    v = [F.normalize(mlp(s[:, p * d:(p + 1) * d], heads[p]), dim=1) for p in range(peers)]
    intra = [v[a] @ v[a].t() / tau for a in range(peers)]
    vcl = sum(contrast(intra[a], labels) for a in range(peers))
    soft_vcl = sum(kl_t(intra[a], intra[b], T) for a in range(peers) for b in range(peers) if a != b)
    icl, soft_icl = 0, 0
    for a in range(peers):
        for b in range(a + 1, peers):
            ab, ba = v[a] @ v[b].t() / tau, v[b] @ v[a].t() / tau
            icl = icl + contrast(ab, labels) + contrast(ba, labels)
            soft_icl = soft_icl + kl_t(ab, ba, T) + kl_t(ba, ab, T)
    return w['vcl'] * vcl + w['softVcl'] * soft_vcl + w['icl'] * icl + w['softIcl'] * soft_icl


# ---- cases ---------------------------------------------------------------------------

def case(loss, student, teacher, fn, weights=None):
    s = torch.tensor(student, requires_grad=True)
    t = torch.tensor(teacher)
    ws = [torch.tensor(w, requires_grad=True) for w in (weights or [])]
    value = fn(s, t, ws)
    value.backward()
    out = {'loss': loss, 'student': packed(student), 'teacher': packed(teacher), 'value': float(value), 'grad_student': packed(s.grad.numpy())}
    if weights:
        out['weights'] = [packed(w) for w in weights]
        out['grad_weights'] = [packed(w.grad.numpy()) for w in ws]
    return out


def main():
    rng = np.random.default_rng(20250101)
    normal = lambda *shape: rng.standard_normal(shape)

    def onehot(labels, c):
        return np.eye(c)[np.array(labels)]

    def mlp_weights(inp, hidden, out):
        return [normal(inp, hidden) / math.sqrt(inp), 0.1 * normal(hidden), normal(hidden, out) / math.sqrt(hidden), 0.1 * normal(out)]

    cases = []
    y = onehot([0, 3, 1, 3], 5)
    cases.append(case({'kind': 'ce'}, 2 * normal(4, 5), y, lambda s, t, w: ce(s, t)))
    cases.append(case({'kind': 'ce'}, 2 * normal(4, 15), y, lambda s, t, w: ce(s, t)))  # a cohort of 3 peers
    soft = rng.dirichlet(np.ones(5), size=4)
    cases.append(case({'kind': 'ce'}, normal(4, 5), soft, lambda s, t, w: ce(s, t)))

    s, t = 3 * normal(4, 6), 3 * normal(4, 6)
    cases.append(case({'kind': 'kd'}, s, t, lambda a, b, w: kd(a, b, 4.0)))
    cases.append(case({'kind': 'kd', 'temperature': 1}, s, t, lambda a, b, w: kd(a, b, 1.0)))

    s, t = normal(2, 3, 4, 5), normal(2, 3, 4, 7)  # NHWC; widths differ, spatial sizes match
    cases.append(case({'kind': 'at'}, s, t, lambda a, b, w: at(a, b, 2)))
    cases.append(case({'kind': 'at', 'p': 1}, s, t, lambda a, b, w: at(a, b, 1)))

    cases.append(case({'kind': 'sp'}, normal(3, 4, 4, 5), normal(3, 2, 2, 9), lambda a, b, w: sp(a, b)))
    cases.append(case({'kind': 'sp'}, normal(5, 6), normal(5, 11), lambda a, b, w: sp(a, b)))

    s, t = normal(4, 6), normal(4, 8)
    weights = [1.5 * w for w in mlp_weights(6, 7, 5)] + [1.5 * w for w in mlp_weights(8, 7, 5)]
    cases.append(case({'kind': 'mimkd', 'embed': 5, 'hidden': 7}, s, t, lambda a, b, w: mimkd(a, b, w[:4], w[4:], 'global'), weights))
    s, t = normal(3, 2, 3, 4), normal(3, 8)
    weights = mlp_weights(4, 6, 5) + mlp_weights(8, 6, 5)
    cases.append(case({'kind': 'mimkd', 'level': 'local', 'embed': 5, 'hidden': 6}, s, t, lambda a, b, w: mimkd(a, b, w[:4], w[4:], 'local'), weights))

    w_paper = {'vcl': 0.1, 'softVcl': 1.0, 'icl': 0.1, 'softIcl': 1.0}
    labels = [0, 1, 0, 2, 1, 2]  # every anchor has a positive
    s = normal(6, 2 * 4)
    weights = mlp_weights(4, 5, 5) + mlp_weights(4, 5, 5)
    cases.append(case({'kind': 'mcl', 'peers': 2, 'embed': 5}, s, onehot(labels, 3), lambda a, b, w: mcl(a, b, [w[0:4], w[4:8]], 2, 0.1, 3.0, w_paper), weights))
    labels = [0, 1, 0, 2, 1, 3]  # images 3 and 5 have no positive
    w_other = {'vcl': 1.0, 'softVcl': 0.5, 'icl': 2.0, 'softIcl': 0.25}
    s = normal(6, 3 * 4)
    weights = mlp_weights(4, 5, 5) + mlp_weights(4, 5, 5) + mlp_weights(4, 5, 5)
    cases.append(case({'kind': 'mcl', 'peers': 3, 'embed': 5, 'tau': 0.5, 'temperature': 2, 'weights': w_other}, s, onehot(labels, 4),
                      lambda a, b, w: mcl(a, b, [w[0:4], w[4:8], w[8:12]], 3, 0.5, 2.0, w_other), weights))
    # tau 0.07: the authors' ImageNet default, an option (the CIFAR default above is 0.1).
    labels = [1, 0, 1, 0, 2, 2]
    s = normal(6, 2 * 4)
    weights = mlp_weights(4, 5, 5) + mlp_weights(4, 5, 5)
    cases.append(case({'kind': 'mcl', 'peers': 2, 'embed': 5, 'tau': 0.07}, s, onehot(labels, 3), lambda a, b, w: mcl(a, b, [w[0:4], w[4:8]], 2, 0.07, 3.0, w_paper), weights))

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cls_losses.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'libs/kd/golden/gen_cls_losses.py (PyTorch %s, float64)' % torch.__version__, 'cases': cases}, f)
    for c in cases:
        print(c['loss'], c['value'])
    print('wrote', path)


if __name__ == '__main__':
    main()
