"""A classical sanity check of the EEGMMIDB S001 imagery trials, independent of kdlab's code: is
there anything to decode across runs? Log-variance of each of the 64 channels in 8-30 Hz
(4th-order Butterworth, filtfilt), [0.5, 3.0) s after each T1/T2 cue, standardised on the training
trials, multinomial logistic regression (gradient descent, L2), trained on some runs and tested on a
held-out run. Reads the files with pyEDFlib after undoing their LF -> CRLF conversion (see
experiments/eeg/README.md); R01/R02 are not used.

Run: .venv/bin/python experiments/eeg/tools/logvar_check.py [data root]   (numpy, scipy, pyedflib)
"""
import os
import sys
import tempfile

import numpy as np
import pyedflib
from scipy import signal

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../../../../shared/datasets')
B, A = signal.butter(4, [8, 30], btype='band', fs=160)
TMP = tempfile.mkdtemp()


def trials(run, labels):
    raw = open(os.path.join(ROOT, 'eeg/eegmmidb/S001/S001R%02d.edf' % run), 'rb').read().replace(b'\r\n', b'\n')
    path = os.path.join(TMP, 'R%02d.edf' % run)
    open(path, 'wb').write(raw)
    with pyedflib.EdfReader(path) as r:
        x = np.array([r.readSignal(i) for i in range(r.signals_in_file)])
        onsets, _, texts = r.readAnnotations()
    x = signal.filtfilt(B, A, x, axis=1)
    feats, ys = [], []
    for o, t in zip(onsets, texts):
        if t in labels:
            s = int(round((o + 0.5) * 160))
            feats.append(np.log(x[:, s:s + 400].var(axis=1)))
            ys.append(labels[t])
    return np.array(feats), np.array(ys)


def fit_predict(xtr, ytr, xte, k, l2=1.0, steps=500, lr=0.5):
    mu, sd = xtr.mean(0), xtr.std(0) + 1e-9
    xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    w, b, y = np.zeros((xtr.shape[1], k)), np.zeros(k), np.eye(k)[ytr]
    for _ in range(steps):
        p = np.exp(xtr @ w + b)
        p /= p.sum(1, keepdims=True)
        w -= lr * (xtr.T @ (p - y) + l2 * w) / len(ytr)
        b -= lr * (p - y).mean(0)
    return (xte @ w + b).argmax(1)


def cross_run(sessions, k, train_sessions):
    accs = []
    for test in range(3):
        train = [s for s in train_sessions(test)]
        xtr = np.concatenate([sessions[s][0] for s in train])
        ytr = np.concatenate([sessions[s][1] for s in train])
        accs.append((fit_predict(xtr, ytr, sessions[test][0], k) == sessions[test][1]).mean())
    return np.round(100 * np.array(accs), 1)


two = lambda t: [s for s in range(3) if s != t]
one = lambda t: [s for s in range(3) if s not in (t, (t + 1) % 3)]
ff = [trials(r, {'T1': 0, 'T2': 1}) for r in (6, 10, 14)]
lr_ = [trials(r, {'T1': 0, 'T2': 1}) for r in (4, 8, 12)]
four = []
for s in range(3):
    a, c = lr_[s], trials((6, 10, 14)[s], {'T1': 2, 'T2': 3})
    four.append((np.concatenate([a[0], c[0]]), np.concatenate([a[1], c[1]])))
for name, sessions, k in [('ff (both fists vs both feet)', ff, 2), ('lr (left vs right fist)', lr_, 2), ('four', four, 4)]:
    for label, rule in [('train on the two other sessions', two), ('train on one session (one validates)', one)]:
        accs = cross_run(sessions, k, rule)
        print('%-30s %-38s test accuracy per fold %s, mean %.1f %%' % (name, label, accs, accs.mean()))
