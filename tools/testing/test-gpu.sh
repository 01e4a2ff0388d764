#!/usr/bin/env bash
# `npm run test:gpu`: builds the GPU binding (`npm run setup:gpu`), then runs the engine's tests and the
# GPU build's own tests (libs/engine/src/gpu.gpu-test.ts: CUDA libraries found, same numbers as the CPU
# build, a short kdlab training run) on it. Without a CUDA device TensorFlow runs every op on the CPU,
# so this passes on any machine; on a GPU machine it also checks that ops run on the GPU, >= 10x faster.
# Ends with `tests: N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/../.."
bash tools/provision/setup.sh --gpu || exit 1
export KDLAB_BACKEND=tensorflow-gpu
export KDLAB_TEST_SUMMARY="$PWD/.cache/test-gpu-summary.jsonl"
mkdir -p .cache && rm -f "$KDLAB_TEST_SUMMARY"
status=0
npx jest -c libs/engine/jest.config.js --runInBand || status=1
npx jest -c libs/engine/jest.gpu.config.js --runInBand || status=1
node -e '
const fs = require("fs");
const f = process.env.KDLAB_TEST_SUMMARY;
const rows = fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse) : [];
const t = rows.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
if (t.passed === 0) process.exit(1);
' || status=1
exit $status
