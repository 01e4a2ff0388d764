"""The got10k toolkit's OTB scores of one sequence (the reference of kdlab track eval's test).

Usage: .venv/bin/python experiments/tracking/tools/got10k_otb.py GT PRED [GT PRED ...]
Prints one JSON line per pair: {"frames", "successAuc", "precision20"}. Reads boxes as
got10k reads OTB results (np.loadtxt), sets boxes[0] = anno[0] as ExperimentOTB.report does,
and calls ExperimentOTB's own _calc_metrics / _calc_curves (rect_iou, center_error). With
--vot GT, GT is a VOT polygon file converted by got10k's VOT loader (_corner2rect);
--vot-boxes GT prints that conversion as one JSON list of boxes.
"""
import json
import sys

import numpy as np
from got10k.datasets.vot import VOT
from got10k.experiments.otb import ExperimentOTB


def load(path):
    with open(path) as f:
        text = f.read().replace(',', ' ').replace('\t', ' ')
    return np.loadtxt(text.splitlines(), ndmin=2)


def main(args):
    exp = ExperimentOTB.__new__(ExperimentOTB)  # the scoring methods only, no dataset download
    exp.nbins_iou, exp.nbins_ce = 21, 51
    vot = VOT.__new__(VOT)
    i = 0
    while i < len(args):
        if args[i] == '--vot-boxes':
            print(json.dumps(vot._corner2rect(load(args[i + 1])).tolist()))
            i += 2
            continue
        is_vot = args[i] == '--vot'
        if is_vot:
            i += 1
        anno = load(args[i])
        if is_vot:
            anno = vot._corner2rect(anno)
        boxes = load(args[i + 1])
        boxes[0] = anno[0]
        ious, errors = exp._calc_metrics(boxes, anno)
        succ, prec = exp._calc_curves(ious, errors)
        print(json.dumps({'frames': int(len(anno)), 'successAuc': float(np.mean(succ)), 'precision20': float(prec[20])}))
        i += 2


if __name__ == '__main__':
    main(sys.argv[1:])
