#!/usr/bin/env bash
# The project's Python environment ./.venv (idempotent): MLflow, which the tests start as a real
# server, and every other tools/provision/requirements-*.txt, one file per concern (a domain's
# reference implementations for its comparison tests, e.g. pydicom or pystoi). A new Python
# dependency is a line in a requirements file; this script installs them all together.
set -euo pipefail
cd "$(dirname "$0")/../.."
# One install at a time: two pip processes writing the same venv corrupt it.
mkdir -p .cache
exec 9>.cache/venv.lock
flock 9
reqs=(tools/provision/requirements-*.txt)
stamp=.venv/.kdlab-requirements
want=$(cat "${reqs[@]}")
if [ -x .venv/bin/mlflow ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "[setup] installing into .venv: $(cat "${reqs[@]}" | grep -v '^#' | grep -v '^$' | tr '\n' ' ')"
python3 -m venv .venv
args=()
for r in "${reqs[@]}"; do args+=(-r "$r"); done
.venv/bin/pip install --disable-pip-version-check -q "${args[@]}"
printf '%s' "$want" > "$stamp"
