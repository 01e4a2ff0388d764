"""Golden values for experiments/eeg's band-pass filter (src/data/filter.ts), with SciPy.

Run: /usr/bin/python3 experiments/eeg/golden/gen_filter.py   (numpy, scipy)
Writes filter.json beside this file: for each case the FIR taps of
scipy.signal.firwin(taps, [lo, hi], pass_zero=False, window='hamming', fs=fs) (scale=True: unit
gain at the pass-band centre), a fixed random signal, and its zero-phase filtering as
numpy.convolve(x, h, mode='same') (the centred convolution, zeros outside the signal); also the
magnitude response at a few frequencies (scipy.signal.freqz), so the test can state the
filter's pass and stop bands.
"""
import json
import os

import numpy as np
import scipy
from scipy import signal


def main():
    rng = np.random.default_rng(15)
    cases = []
    for taps, lo, hi, fs in [(161, 4.0, 40.0, 160.0), (33, 8.0, 30.0, 128.0)]:
        h = signal.firwin(taps, [lo, hi], pass_zero=False, window='hamming', fs=fs)
        x = rng.standard_normal(400) * 20.0
        y = np.convolve(x, h, mode='same')
        freqs = [1.0, lo, (lo + hi) / 2, hi, fs / 2 - 5]
        _, resp = signal.freqz(h, worN=freqs, fs=fs)
        cases.append({'taps': taps, 'band': [lo, hi], 'fs': fs, 'h': h.tolist(), 'x': x.tolist(), 'y': y.tolist(),
                      'freqs': freqs, 'gain': np.abs(resp).tolist()})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'filter.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'experiments/eeg/golden/gen_filter.py (SciPy %s)' % scipy.__version__, 'cases': cases}, f)
    for c in cases:
        print(c['taps'], c['band'], ['%.4f' % g for g in c['gain']])


if __name__ == '__main__':
    main()
