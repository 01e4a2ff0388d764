"""Golden values for the Siamese-tracking losses of @kdlab/kd, with PyTorch (float64).

Run: /usr/bin/python3 libs/kd/golden/gen_tracking_losses.py   (torch 1.13, numpy)
Writes tracking_losses.json beside this file in the format of losses.json (loss options, fixed
inputs, value, gradient w.r.t. the student), plus `target` where a loss reads the ground truth
besides the teacher (teacher-bounded-reg).

Each loss is written here from its formula, in the PyTorch way (anchor-major views built with
explicit loops, masks with boolean indexing as pysot does), not translated from the TypeScript.
Layouts (libs/kd/src/siamese/layout.ts): output [N,R,R,D], D = 1 (siamfc) or 6K (siamrpn: logits
(bg, fg) of anchor k at 2k, 2k+1; deltas at 2K+4k..2K+4k+3); target [N,R,R,5K]: label at 5k
(1 / 0 / -1 ignored), deltas at 5k+1..5k+4.
  siamese-task         siamese-cls (siamfc); clsWeight * siamese-cls + locWeight * rpn-reg (siamrpn)
  siamese-cls          0.5 * mean_pos(-log p_fg) + 0.5 * mean_neg(-log p_bg) over the batch
  rpn-reg              mean_n sum_{pos} |r - y|_1 / (P_n + 1e-6)            (pysot weight_l1_loss)
  response-kd          T^2 * mean KL(softmax(t/T) || softmax(s/T)) per anchor/position
  teacher-bounded-reg  Chen et al. 2017 eq. 4, |r_s - y|^2 where |r_s - y|^2 + m > |r_t - y|^2
  conditional-mutual   sum_p 1/(M-1) sum_{q!=p} mean_n [l_q(n) < l_p(n)] T^2 mean KL(p_q || p_p)
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = np.random.RandomState(16)


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def logits2(out, head, K):
    """[N, R, R, K, 2] (bg, fg) logits."""
    if head == 'siamfc':
        s = out[..., 0]
        return torch.stack([torch.zeros_like(s), s], dim=-1).unsqueeze(3)
    return torch.stack([torch.stack([out[..., 2 * k], out[..., 2 * k + 1]], -1) for k in range(K)], dim=3)


def deltas(out, K):
    return torch.stack([out[..., 2 * K + 4 * k: 2 * K + 4 * k + 4] for k in range(K)], dim=3)


def labels_of(target, K):
    return torch.stack([target[..., 5 * k] for k in range(K)], dim=3)


def targets_of(target, K):
    return torch.stack([target[..., 5 * k + 1: 5 * k + 5] for k in range(K)], dim=3)


def balanced(lg, lab):
    logp = F.log_softmax(lg, dim=-1)
    pos, neg = lab == 1, lab == 0
    lp = -logp[..., 1][pos].mean() if pos.any() else torch.tensor(0.0)
    ln = -logp[..., 0][neg].mean() if neg.any() else torch.tensor(0.0)
    return 0.5 * lp + 0.5 * ln


def siamese_cls(s, target, head, K):
    return balanced(logits2(s, head, K), labels_of(target, K))


def rpn_reg(s, target, K):
    lab = labels_of(target, K)
    l1 = (deltas(s, K) - targets_of(target, K)).abs().sum(-1)
    n = s.shape[0]
    return sum((l1[i][lab[i] == 1].sum() / ((lab[i] == 1).sum() + 1e-6)) for i in range(n)) / n


def kl2(s_lg, t_lg, T):
    pt = F.softmax(t_lg / T, -1)
    return (pt * (F.log_softmax(t_lg / T, -1) - F.log_softmax(s_lg / T, -1))).sum(-1)


def response_kd(s, t, head, K, T):
    return kl2(logits2(s, head, K), logits2(t, head, K), T).mean() * T * T


def bounded(s, t, target, K, m):
    lab = labels_of(target, K)
    y = targets_of(target, K)
    es = (deltas(s, K) - y).pow(2).sum(-1)
    et = (deltas(t, K) - y).pow(2).sum(-1)
    lb = torch.where(es + m > et, es, torch.zeros_like(es))
    n = s.shape[0]
    return sum(lb[i][lab[i] == 1].sum() / ((lab[i] == 1).sum() + 1e-6) for i in range(n)) / n


def cml(s, target, head, K, M, T):
    D = 1 if head == 'siamfc' else 6 * K
    lab = labels_of(target, K)
    lgs = [logits2(s[..., p * D:(p + 1) * D], head, K) for p in range(M)]
    n = s.shape[0]
    per = [torch.stack([balanced(lgs[p][i:i + 1], lab[i:i + 1]) for i in range(n)]).detach() for p in range(M)]
    total = torch.tensor(0.0)
    for p in range(M):
        for q in range(M):
            if p == q:
                continue
            better = (per[q] < per[p]).double()
            kl = kl2(lgs[p], lgs[q].detach(), T).reshape(n, -1).mean(1) * T * T
            total = total + (kl * better).mean() / (M - 1)
    return total


def target(n, r, K, ignore=True, with_deltas=True):
    t = np.zeros((n, r, r, 5 * K))
    for k in range(K):
        lab = rng.choice([-1, 0, 0, 1] if ignore else [0, 0, 0, 1], size=(n, r, r))
        lab[:, 1, 1] = 1  # at least one positive per sample
        lab[:, 0, 0] = 0  # and one negative
        t[..., 5 * k] = lab
        if with_deltas:
            t[..., 5 * k + 1: 5 * k + 5] = rng.randn(n, r, r, 4) * 0.5
    return t


cases = []


def add(loss, fn, student, teacher, tgt=None):
    s = torch.tensor(student, requires_grad=True)
    t = torch.tensor(teacher)
    args = [s, t] if tgt is None else [s, t, torch.tensor(tgt)]
    v = fn(*args)
    v.backward()
    case = {'loss': loss, 'student': packed(student), 'teacher': packed(teacher), 'value': float(v), 'grad_student': packed(s.grad.numpy())}
    if tgt is not None:
        case['target'] = packed(tgt)
    cases.append(case)


# siamese-cls
add({'kind': 'siamese-cls', 'head': 'siamfc', 'anchors': 1}, lambda s, t: siamese_cls(s, t, 'siamfc', 1), rng.randn(2, 5, 5, 1) * 2, target(2, 5, 1, ignore=False, with_deltas=False))
add({'kind': 'siamese-cls', 'head': 'siamrpn', 'anchors': 2}, lambda s, t: siamese_cls(s, t, 'siamrpn', 2), rng.randn(2, 4, 4, 12), target(2, 4, 2))
# siamese-task
add({'kind': 'siamese-task', 'head': 'siamrpn', 'anchors': 2, 'clsWeight': 1, 'locWeight': 1.2}, lambda s, t: siamese_cls(s, t, 'siamrpn', 2) + 1.2 * rpn_reg(s, t, 2), rng.randn(2, 4, 4, 12), target(2, 4, 2))
add({'kind': 'siamese-task', 'head': 'siamfc', 'anchors': 1}, lambda s, t: siamese_cls(s, t, 'siamfc', 1), rng.randn(2, 5, 5, 1) * 2, target(2, 5, 1, ignore=False, with_deltas=False))
# rpn-reg
add({'kind': 'rpn-reg', 'anchors': 2}, lambda s, t: rpn_reg(s, t, 2), rng.randn(3, 4, 4, 12), target(3, 4, 2))
# response-kd
add({'kind': 'response-kd', 'head': 'siamfc', 'anchors': 1, 'temperature': 2}, lambda s, t: response_kd(s, t, 'siamfc', 1, 2.0), rng.randn(2, 5, 5, 1) * 2, rng.randn(2, 5, 5, 1) * 2)
add({'kind': 'response-kd', 'head': 'siamrpn', 'anchors': 2, 'temperature': 3}, lambda s, t: response_kd(s, t, 'siamrpn', 2, 3.0), rng.randn(2, 4, 4, 12), rng.randn(2, 4, 4, 12))
# teacher-bounded-reg
for m in (0.0, 0.5):
    add({'kind': 'teacher-bounded-reg', 'anchors': 2, 'margin': m}, lambda s, t, y, m=m: bounded(s, t, y, 2, m), rng.randn(2, 4, 4, 12) * 0.7, rng.randn(2, 4, 4, 12) * 0.7, target(2, 4, 2))
# conditional-mutual
add({'kind': 'conditional-mutual', 'head': 'siamrpn', 'anchors': 2, 'members': 2, 'temperature': 1}, lambda s, t: cml(s, t, 'siamrpn', 2, 2, 1.0), rng.randn(4, 4, 4, 24) * 1.5, target(4, 4, 2))
add({'kind': 'conditional-mutual', 'head': 'siamfc', 'anchors': 1, 'members': 3, 'temperature': 2}, lambda s, t: cml(s, t, 'siamfc', 1, 3, 2.0), rng.randn(3, 5, 5, 3) * 2, target(3, 5, 1, ignore=False, with_deltas=False))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tracking_losses.json')
with open(out, 'w') as f:
    json.dump({'generator': 'libs/kd/golden/gen_tracking_losses.py', 'torch': torch.__version__, 'cases': cases}, f)
print(f'{len(cases)} cases -> {out}')
