"""Golden speech metrics on the 29 real evaluation pairs, from the reference implementations.

Run: .venv/bin/python experiments/speech-enhancement/golden/gen_metrics.py
     (the project venv: tools/provision/requirements-speech.txt)
Writes metrics.json beside this file. For each pair of vbd-test23 and vbd-sample (clean vs
noisy, read with scipy.io.wavfile as int16 / 32768), and for a milder degradation of the same
pair, half the noise (clean + 0.5 (noisy - clean), float64), it records:
  pesq_wb, pesq_nb   pesq 0.0.4 (ITU-T P.862 / P.862.2 reference C code)
  stoi, estoi        pystoi 0.4.1 (stoi(clean, est, 16000, extended=False/True))
  llr, wss, ssnr     pysepm-evo 0.1.1: llr(used_for_composite=True), wss, SNRseg
  csig, cbak, covl   Hu & Loizou's regressions on the values above with pesq_wb (SEGAN/MANNER
                     evaluation code's choice of PESQ), clipped to [1, 5]
  si_sdr             the direct formula (Le Roux et al. 2019, zero-mean signals)
pysepm-evo is imported with two shims that do not touch the measures used here: scipy 1.13
removed the alias scipy.signal.kaiser (its util module imports it), and its reverberation
module imports srmrpy, which is not on PyPI (a stub module stands in; SRMR is not used).
"""
import json
import os
import sys
import types

import numpy as np
import scipy.signal
import scipy.signal.windows
from scipy.io import wavfile

scipy.signal.kaiser = scipy.signal.windows.kaiser
sys.modules.setdefault('srmrpy', types.ModuleType('srmrpy'))

from pesq import pesq  # noqa: E402
from pystoi import stoi  # noqa: E402
from pysepm_evo import llr, wss, SNRseg  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get('KDLAB_DATA_ROOT', os.path.join(HERE, '..', '..', '..', '..', 'shared', 'datasets'))
SETS = {'vbd-test23': 'speech/voicebank-demand-test23', 'vbd-sample': 'speech/voicebank-demand-sample'}


def read(path):
    rate, x = wavfile.read(path)
    assert rate == 16000 and x.dtype == np.int16, path
    return x.astype(np.float64) / 32768.0


def si_sdr(ref, est):
    ref = ref - ref.mean()
    est = est - est.mean()
    a = np.dot(est, ref) / np.dot(ref, ref)
    t = a * ref
    return 10 * np.log10(np.sum(t ** 2) / np.sum((t - est) ** 2))


def scores(ref, est):
    p_wb = pesq(16000, ref, est, 'wb')
    p_nb = pesq(16000, ref, est, 'nb')
    l = llr(ref, est, 16000, used_for_composite=True)
    w = wss(ref, est, 16000)
    s = SNRseg(ref, est, 16000)
    trim = lambda v: float(min(5.0, max(1.0, v)))
    return {
        'pesq_wb': float(p_wb), 'pesq_nb': float(p_nb),
        'stoi': float(stoi(ref, est, 16000, extended=False)), 'estoi': float(stoi(ref, est, 16000, extended=True)),
        'llr': float(l), 'wss': float(w), 'ssnr': float(s),
        'csig': trim(3.093 - 1.029 * l + 0.603 * p_wb - 0.009 * w),
        'cbak': trim(1.634 + 0.478 * p_wb - 0.007 * w + 0.063 * s),
        'covl': trim(1.594 + 0.805 * p_wb - 0.512 * l - 0.007 * w),
        'si_sdr': float(si_sdr(ref, est)),
    }


def main():
    pairs = []
    for name, root in SETS.items():
        folder = os.path.join(DATA, root)
        for f in sorted(os.listdir(os.path.join(folder, 'clean'))):
            clean = read(os.path.join(folder, 'clean', f))
            noisy = read(os.path.join(folder, 'noisy', f))
            half = clean + 0.5 * (noisy - clean)
            pairs.append({'dataset': name, 'name': f, 'noisy': scores(clean, noisy), 'half_noise': scores(clean, half)})
            print(name, f, pairs[-1]['noisy']['pesq_wb'], flush=True)
    out = os.path.join(HERE, 'metrics.json')
    with open(out, 'w') as fh:
        json.dump({'generator': 'gen_metrics.py', 'versions': {'pesq': '0.0.4', 'pystoi': '0.4.1', 'pysepm-evo': '0.1.1', 'numpy': np.__version__}, 'pairs': pairs}, fh, indent=1)
    print(f'{len(pairs)} pairs -> {out}')


if __name__ == '__main__':
    main()
