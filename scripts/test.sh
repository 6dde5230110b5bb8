#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs and starts the real local model server
# (scripts/local-model.sh, cached outside the checkout), runs `swift test` with the end-to-end tests
# enabled, stops the server, and fails if any end-to-end test was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/local-model.sh install
scripts/local-model.sh start
trap 'scripts/local-model.sh stop' EXIT
eval "$(scripts/local-model.sh env)"

mkdir -p .build
log=.build/test-output.log
set +e
swift test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Swift Testing's summary: "Test run with N tests in M suites passed|failed after ...". Skipped and
# failed tests are counted from their own lines ("➜ Test x skipped", "✘ Test x failed after").
total=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' "$log" | tail -1)
if [ -z "$total" ]; then
  echo "no test summary found: the tests did not run" >&2
  exit 1
fi
failed=$(grep -E "^✘ Test .* failed after" "$log" | grep -cv "^✘ Test run with" || true)
skipped=$(grep -cE "^➜ Test .* skipped" "$log" || true)
if grep -qE "^➜ (Suite|Test) .*EndToEnd.* skipped" "$log"; then
  echo "end-to-end tests were skipped: the local model server is not configured" >&2
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
exit "$status"
