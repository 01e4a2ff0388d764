"""Reads runs back with MLflow's own Python client, for the interop tests.

usage: read_run.py REQUESTS_JSON
REQUESTS_JSON is a list of {"uri": tracking URI, "run_id": id} or
{"uri": ..., "experiment": name} (every active run of the experiment).
Prints one JSON document: a list of runs with info, params, tags, every metric
point (MlflowClient.get_metric_history), and every artifact with its sha256.
Non-finite floats are written as the strings "NaN", "Infinity", "-Infinity".
"""
import hashlib
import json
import math
import os
import sys
import tempfile

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
from mlflow.tracking import MlflowClient  # noqa: E402


def fval(v):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, float) and math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def artifacts(client, run_id, path=None):
    out = []
    for f in client.list_artifacts(run_id, path):
        if f.is_dir:
            out.extend(artifacts(client, run_id, f.path))
        else:
            out.append(f.path)
    return out


def read(client, run):
    rid = run.info.run_id
    metrics = {}
    for key in run.data.metrics:
        hist = client.get_metric_history(rid, key)
        metrics[key] = sorted(
            ([m.step, m.timestamp, fval(m.value)] for m in hist),
            key=lambda x: (x[0], x[1], str(x[2])),
        )
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for p in artifacts(client, rid):
            local = client.download_artifacts(rid, p, tmp)
            with open(local, "rb") as fh:
                files[p] = hashlib.sha256(fh.read()).hexdigest()
    return {
        "run_id": rid,
        "run_name": run.info.run_name,
        "experiment_id": run.info.experiment_id,
        "status": run.info.status,
        "start_time": run.info.start_time,
        "end_time": run.info.end_time,
        "params": dict(run.data.params),
        "tags": dict(run.data.tags),
        "metrics": metrics,
        "artifacts": files,
    }


def main():
    requests = json.loads(sys.argv[1])
    out = []
    for req in requests:
        client = MlflowClient(tracking_uri=req["uri"])
        if "run_id" in req:
            out.append(read(client, client.get_run(req["run_id"])))
        else:
            exp = client.get_experiment_by_name(req["experiment"])
            runs = client.search_runs([exp.experiment_id]) if exp else []
            out.append([read(client, r) for r in runs])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
