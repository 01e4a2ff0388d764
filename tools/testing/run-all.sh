#!/usr/bin/env bash
# The test command of the README: install what is missing, typecheck and test
# every Nx project, then print one closing line `tests: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."
bash tools/provision/setup.sh --with-mlflow --with-browser --with-fashion-mnist --with-debian || exit 1
export NX_DAEMON=false NX_NO_CLOUD=true
export KDLAB_TEST_SUMMARY="$PWD/.cache/test-summary.jsonl"
rm -f "$KDLAB_TEST_SUMMARY"
npx nx run-many -t typecheck test --parallel=1 --outputStyle=stream "$@"
status=$?
node -e '
const fs = require("fs");
const f = process.env.KDLAB_TEST_SUMMARY;
const rows = fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse) : [];
const t = rows.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
if (t.passed === 0) { console.error("no test ran"); process.exit(1); }
'
summary=$?
[ $status -ne 0 ] && exit $status
exit $summary
