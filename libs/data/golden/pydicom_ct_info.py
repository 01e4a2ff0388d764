"""The independent reference for `kdlab ct info`: pydicom's reading of CT DICOM files.

Usage: .venv/bin/python libs/data/golden/pydicom_ct_info.py FILE [FILE ...]
Prints one JSON object per file, in order, with the fields `kdlab ct info --json` prints:
rows, columns, pixelSpacing [row, column], sliceThickness (null when absent), rescaleSlope,
rescaleIntercept, hu {min, max, mean} and huHead (the first 16 HU values, row-major), where
HU = pydicom's pixel_array (its own decoding of the transfer syntax and bit depth) rescaled by
pydicom.pixels.apply_rescale. Run by tools/cli/src/commands/ct.test.ts (pydicom is pinned in
tools/provision/requirements-ct.txt).
"""
import json
import sys

import numpy as np
import pydicom
from pydicom.pixels import apply_rescale


def info(path):
    ds = pydicom.dcmread(path)
    hu = apply_rescale(ds.pixel_array, ds).astype(np.float64)
    thickness = ds.get("SliceThickness")
    return {
        "rows": int(ds.Rows),
        "columns": int(ds.Columns),
        "pixelSpacing": [float(v) for v in ds.PixelSpacing],
        "sliceThickness": None if thickness in (None, "") else float(thickness),
        "rescaleSlope": float(ds.get("RescaleSlope", 1)),
        "rescaleIntercept": float(ds.get("RescaleIntercept", 0)),
        "hu": {"min": float(hu.min()), "max": float(hu.max()), "mean": float(hu.mean())},
        "huHead": [float(v) for v in hu.ravel()[:16]],
        "transferSyntax": str(ds.file_meta.TransferSyntaxUID),
    }


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(info(p)))
