"""Golden values for the SISR part-two losses (issue 10): edge-gv (libs/kd/src/losses/edge-gv.ts),
pcl (libs/kd/src/losses/pcl.ts: the InfoNCE term through a fixed small discriminator, and the
discriminator's dual contrastive loss, on fixed views) and meta-kd (libs/kd/src/losses/meta-kd.ts:
the KRNet texture term with fixed KRNet weights; its meta-gradient is tested against finite
differences in src/meta/meta-gradient.test.ts).

Run: .venv/bin/python libs/kd/golden/gen_sisr2_losses.py   (numpy only)
Writes sisr2_losses.json beside this file. Each case: the loss options, the student and teacher
tensors (NHWC), the loss value and its gradient w.r.t. the student, all in float64. The losses are
written here from their formulas (the file comments of the TypeScript state them), independently of
the TypeScript; gradients are central finite differences of this float64 implementation (step 1e-6),
so they check the TypeScript's autodiff against the formula, not against itself.
"""
import json
import os

import numpy as np

GREY = np.array([0.2989, 0.5870, 0.1140])
KERNELS = {
    'x': np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64),
    'y': np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=np.float64),
    'lap': np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64),
}


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def filter2d_same(img, k):
    """img [N, H, W], cross-correlation with a 3x3 kernel, zero padding 1."""
    n, h, w = img.shape
    p = np.pad(img, ((0, 0), (1, 1), (1, 1)))
    out = np.zeros_like(img)
    for a in range(3):
        for b in range(3):
            out += k[a, b] * p[:, a:a + h, b:b + w]
    return out


def patch_var(g, patch):
    n, h, w = g.shape
    hp, wp = h // patch, w // patch
    vals = []
    for i in range(hp):
        for j in range(wp):
            blk = g[:, i * patch:(i + 1) * patch, j * patch:(j + 1) * patch].reshape(n, -1)
            vals.append(blk.var(axis=1, ddof=1))
    return np.stack(vals, axis=1)   # [N, patches]


def edge_gv(s, t, patch, weights):
    gs, gt = s @ GREY, t @ GREY
    total = 0.0
    for k, wk in weights.items():
        d = patch_var(filter2d_same(gs, KERNELS[k]), patch) - patch_var(filter2d_same(gt, KERNELS[k]), patch)
        total += wk * np.mean(d ** 2)
    return total


def num_grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) / (2 * h)
    return g


def edge_gv_cases(rng):
    cases = []
    for patch, weights, shape in [(8, {'x': 1.0, 'y': 1.0, 'lap': 1.0}, (2, 17, 16, 3)), (4, {'x': 0.5, 'y': 2.0, 'lap': 0.25}, (1, 8, 12, 3))]:
        t = rng.uniform(0, 1, shape)
        s = np.clip(t + rng.normal(0, 0.1, shape), 0, 1)
        f = lambda x: edge_gv(x, t, patch, weights)
        cases.append({
            'loss': {'kind': 'edge-gv', 'patch': patch, 'weights': weights},
            'student': packed(s), 'teacher': packed(t),
            'value': f(s), 'grad_student': packed(num_grad(f, s.copy())),
        })
    return cases


# ---- PCL: Haar high bands -> blocks [conv3x3 pad 1 (stride 1, 2, 1, ...) -> batch-stat BN -> LeakyReLU 0.2]
HAAR = np.array([[1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=np.float64) / 2


def haar_high(x):
    """x [N, H, W, C] -> [N, H/2, W/2, 3C], colour-major: channel c*3 + band."""
    a, b = x[:, 0::2, 0::2, :], x[:, 0::2, 1::2, :]
    c, d = x[:, 1::2, 0::2, :], x[:, 1::2, 1::2, :]
    bands = [h[0] * a + h[1] * b + h[2] * c + h[3] * d for h in HAAR]     # each [N, h, w, C]
    return np.stack(bands, axis=-1).reshape(x.shape[0], x.shape[1] // 2, x.shape[2] // 2, -1)


def conv_pad1(x, k, stride):
    n, h, w, _ = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    oh, ow = (h + 2 - 3) // stride + 1, (w + 2 - 3) // stride + 1
    y = np.zeros((n, oh, ow, k.shape[3]))
    for i in range(oh):
        for j in range(ow):
            y[:, i, j, :] = np.einsum('nabi,abio->no', xp[:, i * stride:i * stride + 3, j * stride:j * stride + 3, :], k)
    return y


def d_run(x, weights, blocks, feature_block):
    y = haar_high(x)
    feat = None
    for b in range(blocks):
        k, gamma, beta = weights[3 * b:3 * b + 3]
        z = conv_pad1(y, k, 2 if b % 2 == 1 else 1)
        mean, var = z.mean(axis=(0, 1, 2)), z.var(axis=(0, 1, 2))
        bn = (z - mean) / np.sqrt(var + 1e-5) * gamma + beta
        if b == feature_block:
            feat = bn
        y = np.where(bn > 0, bn, 0.2 * bn)
    k, bias = weights[3 * blocks:]
    n, h, w, c = y.shape
    pooled = np.zeros((n, 4, 4, c))
    for i in range(4):
        r0, r1 = (i * h) // 4, -((-(i + 1) * h) // 4)
        for j in range(4):
            c0, c1 = (j * w) // 4, -((-(j + 1) * w) // 4)
            pooled[:, i, j, :] = y[:, r0:r1, c0:c1, :].mean(axis=(1, 2))
    logits = np.einsum('nijc,c->nij', pooled, k[0, 0, :, 0]) + bias[0]
    return feat, logits


def cos_sim(a, b):
    na = a / np.maximum(np.sqrt((a ** 2).sum(-1, keepdims=True)), 1e-12)
    nb = b / np.maximum(np.sqrt((b ** 2).sum(-1, keepdims=True)), 1e-12)
    return (na * nb).sum(-1).mean(axis=(1, 2))


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def pcl_info_nce(sr, pos, neg, weights, spec, tau):
    f = lambda x: d_run(x, weights, spec['blocks'], spec['featureBlock'])[0]
    fa = f(sr)
    negs = [cos_sim(fa, f(q)) for q in neg]
    total = 0.0
    for p in pos:
        logits = np.stack([cos_sim(fa, f(p))] + negs, axis=1) / tau
        total += -log_softmax(logits)[:, 0].mean()
    return total / len(pos)


def dual_contrastive(real, fake, weights, spec):
    lg = lambda xs: np.concatenate([d_run(x, weights, spec['blocks'], spec['featureBlock'])[1].reshape(-1) for x in xs])
    r, f = lg(real), lg(fake)

    def half(a, b):
        logits = np.concatenate([a[:, None], np.tile(b[None, :], (a.shape[0], 1))], axis=1)
        return -log_softmax(logits)[:, 0].mean()
    return half(r, f) + half(-f, -r)


def pcl_cases(rng):
    spec = {'width': 2, 'blocks': 3, 'featureBlock': 2}
    weights, cin = [], 9
    for b in range(spec['blocks']):
        cout = spec['width'] * 2 ** (b // 2)
        weights += [rng.normal(0, 0.4, (3, 3, cin, cout)), rng.uniform(0.5, 1.5, (cout,)), rng.normal(0, 0.1, (cout,))]
        cin = cout
    weights += [rng.normal(0, 0.5, (1, 1, cin, 1)), rng.normal(0, 0.1, (1,))]
    hr = rng.uniform(0, 1, (2, 8, 8, 3))
    sr = np.clip(hr + rng.normal(0, 0.08, hr.shape), 0, 1)
    pos = [hr, np.clip(hr + rng.normal(0, 0.05, hr.shape), 0, 1)]
    neg = [np.clip(hr + rng.normal(0, 0.2, hr.shape), 0, 1) for _ in range(3)]
    tau = 1.0
    f = lambda x: pcl_info_nce(x, pos, neg, weights, spec, tau)
    case = {
        'loss': {'kind': 'pcl', **spec, 'tau': tau},
        'd_weights': [packed(w) for w in weights],
        'student': packed(sr), 'teacher': packed(hr),
        'positives': [packed(p) for p in pos], 'negatives': [packed(q) for q in neg],
        'value': f(sr), 'grad_student': packed(num_grad(f, sr.copy())),
        'd_loss': {'real': [packed(pos[1]), packed(hr)], 'fake': [packed(neg[0]), packed(sr)], 'value': dual_contrastive([pos[1], hr], [neg[0], sr], weights, spec)},
    }
    return [case]


# ---- Meta-KD's KRNet term (abstract-only reading; formulas in libs/kd/src/losses/meta-kd.ts)
def conv1x1(x, w, b):
    return np.einsum('nhwi,io->nhwo', x, w[0, 0]) + b


def neighbours(x):
    n, h, w, c = x.shape
    p = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    return np.stack([p[:, i:i + h, j:j + w, :] for i in range(3) for j in range(3)], axis=3)


def meta_kd(fs, ft, phi, distance):
    wt, bt, ws, bs, wk, bk, wd, bd = phi
    u, v = conv1x1(ft, wt, bt), conv1x1(fs, ws, bs)
    k = conv1x1(np.concatenate([u, v, u * v], axis=-1), wk, bk)
    z = conv1x1(fs, wd, bd)
    a = np.exp(z - z.max(-1, keepdims=True))
    a = (a / a.sum(-1, keepdims=True))[..., None]
    d = (neighbours(v) * a).sum(3) - (neighbours(k) * a).sum(3)
    return np.mean(np.abs(d)) if distance == 'l1' else np.mean(d ** 2)


def meta_kd_cases(rng):
    cases = []
    cs, ct, c = 3, 5, 4
    for distance in ['l1', 'l2']:
        phi = [rng.normal(0, 0.5, (1, 1, ct, c)), rng.normal(0, 0.1, (c,)), rng.normal(0, 0.5, (1, 1, cs, c)), rng.normal(0, 0.1, (c,)),
               rng.normal(0, 0.5, (1, 1, 3 * c, c)), rng.normal(0, 0.1, (c,)), rng.normal(0, 0.5, (1, 1, cs, 9)), rng.normal(0, 0.1, (9,))]
        fs = rng.normal(0, 1, (2, 5, 4, cs))
        ft = rng.normal(0, 1, (2, 5, 4, ct))
        f = lambda x: meta_kd(x, ft, phi, distance)
        cases.append({
            'loss': {'kind': 'meta-kd', 'width': c, 'distance': distance},
            'krnet_weights': [packed(w) for w in phi],
            'student': packed(fs), 'teacher': packed(ft),
            'value': f(fs), 'grad_student': packed(num_grad(f, fs.copy())),
        })
    return cases


def main():
    rng = np.random.default_rng(1010)
    cases = edge_gv_cases(rng) + pcl_cases(rng) + meta_kd_cases(rng)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'sisr2_losses.json'), 'w') as fh:
        json.dump({'cases': cases}, fh)
    for c in cases:
        print(c['loss'], c['value'], c.get('d_loss', {}).get('value'))


if __name__ == '__main__':
    main()
