"""Golden values for EFDN and its EDBB block (libs/backbones/src/archs/sr/efdn.ts, layers/edbb.ts).

Run: .venv/bin/python libs/backbones/golden/gen_efdn_backbones.py   (numpy only)
Writes efdn_backbones.json beside this file:
  - edbb: one EDBB (3 -> 4 channels) with fixed weights (TF layout: kernels [kh, kw, in, out]) on a
    fixed NHWC input; its output computed here branch by branch with explicit loops (3x3 conv with
    zero padding, 1x1 conv, and per mask: 1x1 conv of the zero-padded input, per-channel 3x3 mask
    times a per-channel scale, plus a bias), written from the EFDN paper / released module structure,
    independently of the TypeScript.
  - counts: parameters and conv multiply-adds of EFDN, training form and deployed form, for the
    paper size (48 channels) and the quick size, counted here module by module.
"""
import json
import os

import numpy as np

MASKS = {
    'sobelx': np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64),
    'sobely': np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=np.float64),
    'laplacian': np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64),
}


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def conv_same(x, k, b):
    """x [N,H,W,I], k [kh,kw,I,O] (cross-correlation), zero padding to keep H, W."""
    n, h, w, _ = x.shape
    kh, kw, _, o = k.shape
    ph, pw = kh // 2, kw // 2
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw), (0, 0)))
    y = np.zeros((n, h, w, o))
    for i in range(h):
        for j in range(w):
            patch = xp[:, i:i + kh, j:j + kw, :]
            y[:, i, j, :] = np.einsum('nabi,abio->no', patch, k)
    return y + b


def edbb(x, w):
    y = conv_same(x, w['k3'], w['b3']) + conv_same(x, w['k1'], w['b1'])
    n, h, wd, _ = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    for m, mask in MASKS.items():
        mid = np.einsum('nhwi,io->nhwo', xp, w[m + '.k0'][0, 0]) + w[m + '.b0']   # [N, H+2, W+2, O]
        edge = np.zeros((n, h, wd, mid.shape[3]))
        for i in range(h):
            for j in range(wd):
                edge[:, i, j, :] = np.einsum('nabo,ab->no', mid[:, i:i + 3, j:j + 3, :], mask)
        y = y + edge * w[m + '.scale'] + w[m + '.bias']
    return y


def conv_params(cin, cout, k):
    return cin * cout * k * k + cout


def efdn_counts(c, scale, train, lr_hw):
    """Parameters and conv MACs of EFDN at an LR input of lr_hw (H, W)."""
    h, w = lr_hw
    f = c // 4
    params, macs = 0, 0

    def conv(cin, cout, k, oh=h, ow=w):
        nonlocal params, macs
        params += conv_params(cin, cout, k)
        macs += oh * ow * k * k * cin * cout

    conv(3, c, 3)                                   # head
    for _ in range(4):
        conv(c, c, 1); params += c                  # conv1 + PReLU
        for _ in range(2):                          # EDBB + PReLU
            if train:
                conv(c, c, 3); conv(c, c, 1)
                for _m in MASKS:
                    params += c * c + c + 2 * c     # 1x1, its bias, scale, bias
                    macs += (h + 2) * (w + 2) * c * c + h * w * 9 * c
            else:
                conv(c, c, 3)
            params += c
        for _ in range(4):
            conv(c, c // 2, 1)                      # branches
        conv(2 * c, c, 1)                           # fuse
        # ESA
        conv(c, f, 1)
        h2, w2 = (h - 3) // 2 + 1, (w - 3) // 2 + 1
        conv(f, f, 3, h2, w2)                       # stride 2, no padding
        hp, wp = (h2 - 7) // 3 + 1, (w2 - 7) // 3 + 1
        for _ in range(3):
            conv(f, f, 3, hp, wp)                   # conv_max, conv3, conv3_
        conv(f, f, 1)                               # conv_f
        conv(f, c, 1)                               # conv4
    for _ in range(3):
        conv(2 * c, c, 1)                           # local fusion
    conv(c, 3 * scale * scale, 3)                   # tail
    return params, macs


def main():
    rng = np.random.default_rng(10)
    cin, cout = 3, 4
    w = {
        'k3': rng.normal(0, 0.3, (3, 3, cin, cout)), 'b3': rng.normal(0, 0.1, (cout,)),
        'k1': rng.normal(0, 0.3, (1, 1, cin, cout)), 'b1': rng.normal(0, 0.1, (cout,)),
    }
    for m in MASKS:
        w[m + '.k0'] = rng.normal(0, 0.3, (1, 1, cin, cout))
        w[m + '.b0'] = rng.normal(0, 0.1, (cout,))
        w[m + '.scale'] = rng.normal(0, 0.5, (cout,))   # far from the 1e-3 init, so every branch matters
        w[m + '.bias'] = rng.normal(0, 0.1, (cout,))
    order = ['k3', 'b3', 'k1', 'b1'] + [m + s for m in MASKS for s in ('.k0', '.b0', '.scale', '.bias')]
    x = rng.uniform(0, 1, (2, 6, 5, cin))
    out = {
        'edbb': {'weights': [packed(w[k]) for k in order], 'names': order, 'input': packed(x), 'output': packed(edbb(x, w))},
        'counts': [],
    }
    for c, scale in [(48, 4), (16, 4)]:
        lr = (180, 320)   # the LR size of a 1280x720 output at x4
        for train in (True, False):
            p, m = efdn_counts(c, scale, train, lr)
            out['counts'].append({'channels': c, 'scale': scale, 'deploy': not train, 'lr_hw': list(lr), 'params': p, 'macs': m})
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'efdn_backbones.json'), 'w') as fh:
        json.dump(out, fh)
    print(json.dumps(out['counts']))


if __name__ == '__main__':
    main()
