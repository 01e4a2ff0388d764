"""PESQ worker for kdlab: the ITU-T P.862 reference code (PyPI `pesq`) behind a line protocol.

kdlab starts one of these per evaluation (tools/provision/mlflow.sh installs `pesq` into .venv)
and keeps it alive, so the interpreter and numpy load once, not once per file.
Request, one JSON object per line on stdin:
  {"id": 1, "rate": 16000, "modes": ["wb", "nb"], "ref": <base64 float32 LE>, "deg": <base64 float32 LE>}
Reply, one line on stdout: {"id": 1, "pesq": {"wb": 2.97, "nb": 3.31}} or {"id": 1, "error": "<message>"}.
"""
import base64
import json
import sys

import numpy as np
from pesq import pesq


def main() -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            ref = np.frombuffer(base64.b64decode(req["ref"]), dtype="<f4").astype(np.float64)
            deg = np.frombuffer(base64.b64decode(req["deg"]), dtype="<f4").astype(np.float64)
            values = {m: float(pesq(int(req["rate"]), ref, deg, m)) for m in req["modes"]}
            print(json.dumps({"id": req["id"], "pesq": values}), flush=True)
        except Exception as err:  # the caller names the pair; keep serving the next request
            print(json.dumps({"id": req.get("id"), "error": f"{type(err).__name__}: {err}"}), flush=True)


if __name__ == "__main__":
    main()
