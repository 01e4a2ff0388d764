#!/usr/bin/env bash
# Real two-view image pairs for reference-based SR (datasets/opencv-doc-pairs.json): the example data of
# Debian's opencv-doc. Installed packages are used in place; otherwise the .deb is downloaded (no install,
# no root needed for dpkg-deb) and only its examples/data folder is unpacked into .cache/opencv-doc/root.
# Idempotent. The reader (@kdlab/data opencvDocDir) looks in the same two places.
set -euo pipefail
cd "$(dirname "$0")/../.."
rel=usr/share/doc/opencv-doc/examples/data
if [ -f "/$rel/graf1.png" ] || [ -f ".cache/opencv-doc/root/$rel/graf1.png" ]; then exit 0; fi
mkdir -p .cache/opencv-doc
cd .cache/opencv-doc
echo "[setup] apt-get download opencv-doc (examples data into .cache/opencv-doc/root)"
# Package lists may be missing on a fresh machine: fetch them once, then retry.
apt-get download opencv-doc >/dev/null 2>&1 || { apt-get update -qq && apt-get download opencv-doc >/dev/null; }
deb=$(ls -t opencv-doc_*_all.deb | head -n 1)
mkdir -p root
dpkg-deb --fsys-tarfile "$deb" | tar -x -C root "./$rel/"
rm -f "$deb"
