"""The EDF reference for experiments/eeg's comparison test: reads EDF/EDF+ files with pyEDFlib
(tools/provision/requirements-eeg.txt, run through .venv/bin/python) and prints, for each file,
what `kdlab eeg inspect --json` prints, as one JSON object per line:
  {"file", "channels", "sfreq", "nSamples", "durationS", "annotations": [{"onset","duration","description"}], "head"}
or {"file", "error": "<message>"} when pyEDFlib refuses the file.
Labels: pyEDFlib's, with trailing dots and spaces removed (as kdlab and MNE clean them).
Usage: .venv/bin/python experiments/eeg/tools/edf_reference.py FILE [FILE ...]
"""
import json
import sys

import pyedflib


def summary(path, head=8):
    with pyedflib.EdfReader(path) as f:
        n = f.signals_in_file
        labels = [l.rstrip('. ') for l in f.getSignalLabels()]
        rates = [f.getSampleFrequency(i) for i in range(n)]
        lengths = [int(x) for x in f.getNSamples()]
        onsets, durations, texts = f.readAnnotations()
        return {
            'file': path,
            'channels': labels,
            'sfreq': rates[0] if len(set(rates)) == 1 else rates,
            'nSamples': lengths[0] if len(set(lengths)) == 1 else lengths,
            'durationS': f.getFileDuration(),
            'annotations': [
                {'onset': float(o), 'duration': None if float(d) < 0 else float(d), 'description': str(t)}
                for o, d, t in zip(onsets, durations, texts)
            ],
            'head': {labels[i]: [float(v) for v in f.readSignal(i, 0, head)] for i in range(n)},
        }


# pyEDFlib's C code prints some complaints (e.g. 'filesize ...') to stdout without a newline:
# each JSON object starts on a fresh line so readers can pick the lines that start with '{'.
for p in sys.argv[1:]:
    try:
        out = summary(p)
    except Exception as e:  # pyEDFlib raises OSError for files it does not accept
        out = {'file': p, 'error': str(e)}
    sys.stdout.write('\n' + json.dumps(out) + '\n')
    sys.stdout.flush()
