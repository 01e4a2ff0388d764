"""PESQ worker for kdlab: the ITU-T P.862 reference code (PyPI `pesq`) behind a line protocol.

kdlab starts one of these per evaluation (tools/provision/mlflow.sh installs `pesq` into .venv)
and keeps it alive, so the interpreter and numpy load once, not once per file.
Request, one JSON object per line on stdin:
  {"id": 1, "rate": 16000, "mode": "wb" | "nb", "ref": <base64 float32 LE>, "deg": <base64 float32 LE>}
Reply, one line on stdout: {"id": 1, "pesq": 2.97} or {"id": 1, "error": "<message>"}.
"""
import base64
import json
import sys

import numpy as np
from pesq import pesq


def main() -> None:
    print(json.dumps({"ready": True, "pesq_version": __import__("pesq").__version__ if hasattr(__import__("pesq"), "__version__") else "0.0.4"}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            ref = np.frombuffer(base64.b64decode(req["ref"]), dtype="<f4").astype(np.float64)
            deg = np.frombuffer(base64.b64decode(req["deg"]), dtype="<f4").astype(np.float64)
            value = float(pesq(int(req["rate"]), ref, deg, req["mode"]))
            print(json.dumps({"id": req["id"], "pesq": value}), flush=True)
        except Exception as err:  # the caller names the pair; keep serving the next request
            print(json.dumps({"id": req.get("id"), "error": f"{type(err).__name__}: {err}"}), flush=True)


if __name__ == "__main__":
    main()
