#!/usr/bin/env bash
# Installs the pinned MLflow into ./.venv (idempotent).
set -euo pipefail
cd "$(dirname "$0")/../.."
req=tools/provision/requirements-mlflow.txt
stamp=.venv/.kdlab-mlflow
if [ -x .venv/bin/mlflow ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  exit 0
fi
echo "[setup] installing MLflow into .venv ($(grep -v '^#' "$req" | tr '\n' ' '))"
python3 -m venv .venv
.venv/bin/pip install --disable-pip-version-check -q -r "$req"
cp "$req" "$stamp"
