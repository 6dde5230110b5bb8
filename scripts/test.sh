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

# Swift Testing's summary line: "Test run with N tests in M suites passed|failed after ...".
summary=$(grep -E "Test run with [0-9]+ tests?" "$log" | tail -1 || true)
total=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' <<<"$summary")
failed=$(grep -cE "^✘ Test .* (failed|recorded an issue)" "$log" || true)
skipped=$(grep -cE "^(↪|➜) Test .* skipped" "$log" || true)
if grep -qE "Test .*EndToEnd.* skipped|Suite .*EndToEnd.* skipped" "$log"; then
  echo "end-to-end tests were skipped: the local model server is not reachable" >&2
  status=1
fi
if [ -z "$total" ]; then
  echo "no test summary found" >&2
  exit 1
fi
failures=$(grep -cE "^✘ Test [^ ]+.* (failed|recorded)" "$log" || true)
if [ "$status" -ne 0 ] && [ "$failures" -eq 0 ]; then failures=1; fi
echo "$((total - failures)) passed, $failures failed, $skipped skipped"
exit "$status"
