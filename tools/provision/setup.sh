#!/usr/bin/env bash
# kdlab's one install step. Idempotent: a second run only checks and returns.
#   bash tools/provision/setup.sh                 JS dependencies + native TensorFlow backend
#   bash tools/provision/setup.sh --with-mlflow   ... + the project's Python venv (.venv): MLflow and every
#                                                 tools/provision/requirements-*.txt
#   bash tools/provision/setup.sh --gpu           ... + @tensorflow/tfjs-node-gpu built on the CUDA build of
#                                                 TensorFlow 2.21 and the NVIDIA CUDA 12 wheels (opt-in; ~4 GB)
#   bash tools/provision/setup.sh --with-debian   ... + the Debian packages listed in tools/provision/debian/*.txt
#                                                 (data and reference tools the tests read, one file per concern)
#                                                 and opencv-doc's example image pairs (tools/provision/opencv-doc.sh)
#   bash tools/provision/setup.sh --with-browser  ... + Debian's chromium for report tests
#   bash tools/provision/setup.sh --with-fashion-mnist  ... + Debian's dataset-fashion-mnist (IDX files
#                                                 under /usr/share/datasets/fashion-mnist/)
# Environment: KDLAB_TFJS_SOURCE=auto|wheel|download (see tfjs-native.js),
# KDLAB_CACHE (default ~/.cache/kdlab) for the TensorFlow wheel.
set -euo pipefail
cd "$(dirname "$0")/../.."

with_mlflow=0
with_browser=0
with_fashion_mnist=0
with_debian=0
with_gpu=0
for arg in "$@"; do
  case "$arg" in
    --with-mlflow) with_mlflow=1 ;;
    --with-browser) with_browser=1 ;;
    --with-fashion-mnist) with_fashion_mnist=1 ;;
    --with-debian) with_debian=1 ;;
    --gpu) with_gpu=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { echo "[setup] $*"; }

# 1. JavaScript dependencies. --ignore-scripts: tfjs-node's install script would
# download libtensorflow from a host outside the registries; step 2 replaces it.
# Only when node_modules differs from the lock file (npm ci deletes the built addon too).
if ! node tools/provision/npm-in-sync.js; then
  say "npm ci"
  npm ci --ignore-scripts --no-audit --no-fund
fi

# 2. The native `tensorflow` backend.
node tools/provision/tfjs-native.js
if [ "$with_gpu" = 1 ]; then
  node tools/provision/tfjs-native.js --gpu
fi

# 3. MLflow in a project-local venv, for the integration tests.
if [ "$with_mlflow" = 1 ]; then
  bash tools/provision/mlflow.sh
fi

# 4. Headless Chromium from Debian, for the report end-to-end test.
# The test drives /usr/bin/chromium itself (playwright-core never downloads a browser).
if [ "$with_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  say "apt-get install chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# 5. Fashion-MNIST from Debian, for the classification experiments and their tests.
if [ "$with_fashion_mnist" = 1 ] && [ ! -d /usr/share/datasets/fashion-mnist ]; then
  say "apt-get install dataset-fashion-mnist"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
# 6. Debian packages the tests and experiments read (one list per concern; `#` starts a comment).
if [ "$with_debian" = 1 ]; then
  missing=()
  for pkg in $(cat tools/provision/debian/*.txt 2>/dev/null | sed 's/#.*//'); do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # opencv-doc's example image pairs (reference-based SR): downloaded and unpacked into .cache, not installed.
  bash tools/provision/opencv-doc.sh
fi
say "ready"
