"""Golden values for the speech-enhancement losses of @kdlab/kd (mrstft, mvat), with PyTorch.

Run: /usr/bin/python3 libs/kd/golden/gen_speech_losses.py   (torch 1.13, numpy)
Writes speech_losses.json beside this file, in the format of losses.json (loss options, fixed
inputs, value, gradient w.r.t. the student).

Written from the references, not translated from the TypeScript:
  mrstft  torch.stft itself (centred, reflect padding, periodic Hann window of win_length
          centred in n_fft), magnitude sqrt(clamp(re^2 + im^2, 1e-7)); per utterance the
          spectral convergence ||Y - X||_F / ||Y||_F and mean |log Y - log X|, averaged over
          resolutions, times the factors (0.5 each, MANNER's config), mean over the batch
          (MANNER's src/stft_loss.py as released); withL1 adds mean |s - t| (MANNER's L1 term).
  mvat    kdlab's stated reading of MV-AT (abstract-only): per view a width-free map
          (channel: mean_c A^2 of the channel branch [N,1,T,C]; global: the chunk attention
          [N,C,h,P,P] averaged over C and h; local: the gate [N,P,K,1]), flattened,
          L2-normalised per utterance, squared distance summed over positions, mean over utterances.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def packed(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': a.flatten().tolist()}


def mrstft(x, y, resolutions, fsc=0.5, fmag=0.5):
    n = x.shape[0]
    x = x.reshape(n, -1)
    y = y.reshape(n, -1)
    sc = 0
    mag = 0
    for fft, hop, win in resolutions:
        w = torch.hann_window(win)

        def m(s):
            z = torch.stft(s, fft, hop, win, w, return_complex=True)
            return torch.sqrt(torch.clamp(z.real ** 2 + z.imag ** 2, min=1e-7)).transpose(2, 1)
        xm, ym = m(x), m(y)
        sc = sc + torch.norm(ym - xm, p='fro', dim=[-2, -1]) / torch.norm(ym, p='fro', dim=[-2, -1])
        mag = mag + (torch.log(ym) - torch.log(xm)).abs().mean(dim=-1).mean(dim=-1)
    k = len(resolutions)
    return (fsc * sc / k + fmag * mag / k).mean()


def mvat(s, t, view):
    def amap(a):
        if view == 'channel':
            m = a.pow(2).mean(-1)
        elif view == 'global':
            m = a.mean(dim=(1, 2))
        else:
            m = a
        return F.normalize(m.reshape(a.shape[0], -1), dim=1)
    return (amap(s) - amap(t)).pow(2).sum(1).mean()


def case(spec, fn, s, t):
    s = torch.tensor(s, requires_grad=True)
    t = torch.tensor(t)
    v = fn(s, t)
    v.backward()
    return {'loss': spec, 'student': packed(s.detach()), 'teacher': packed(t), 'value': float(v), 'grad_student': packed(s.grad)}


def main():
    rng = np.random.default_rng(14)
    cases = []
    default_res = [(1024, 120, 600), (2048, 240, 1200), (512, 50, 240)]
    clean = rng.standard_normal((2, 1, 1500, 1)) * 0.1
    est = clean + rng.standard_normal(clean.shape) * 0.05
    cases.append(case({'kind': 'mrstft'}, lambda s, t: mrstft(s, t, default_res), est, clean))
    small = [(64, 16, 48), (32, 8, 32)]
    x = rng.standard_normal((3, 200)) * 0.3
    y = rng.standard_normal((3, 200)) * 0.3
    spec = {'kind': 'mrstft', 'resolutions': [{'fft': f, 'hop': h, 'win': w} for f, h, w in small], 'factorSc': 0.3, 'factorMag': 0.7}
    cases.append(case(spec, lambda s, t: mrstft(s, t, small, 0.3, 0.7), x, y))
    spec_l1 = {'kind': 'mrstft', 'resolutions': spec['resolutions'], 'withL1': True}
    cases.append(case(spec_l1, lambda s, t: mrstft(s, t, small) + (s - t).abs().mean(), x, y))

    cases.append(case({'kind': 'mvat', 'view': 'channel'}, lambda s, t: mvat(s, t, 'channel'),
                      rng.standard_normal((2, 1, 40, 6)), rng.standard_normal((2, 1, 40, 10))))
    g_s = torch.softmax(torch.tensor(rng.standard_normal((2, 3, 1, 5, 5))), -1).numpy()
    g_t = torch.softmax(torch.tensor(rng.standard_normal((2, 5, 2, 5, 5))), -1).numpy()
    cases.append(case({'kind': 'mvat', 'view': 'global'}, lambda s, t: mvat(s, t, 'global'), g_s, g_t))
    l_s = 1 / (1 + np.exp(-rng.standard_normal((2, 4, 8, 1))))
    l_t = 1 / (1 + np.exp(-rng.standard_normal((2, 4, 8, 1))))
    cases.append(case({'kind': 'mvat', 'view': 'local'}, lambda s, t: mvat(s, t, 'local'), l_s, l_t))

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'speech_losses.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'gen_speech_losses.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'{len(cases)} cases -> {out}')


if __name__ == '__main__':
    main()
