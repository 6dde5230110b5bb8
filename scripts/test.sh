#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs and starts the real local model server and the MCP
# reference server (scripts/local-model.sh, cached outside the checkout), squid for the proxy tests and PostgreSQL for
# the gateway's store (scripts/postgres.sh), runs the unit tests in parallel,
# then the end-to-end and timing tests one at a time (the real servers share two small slots, and a real
# model on 2 cores is slow when asked many things at once), stops the servers,
# prints "N passed, N failed, N skipped" and fails if any end-to-end test was skipped or the documentation
# (scripts/docs.sh) does not build.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real HTTP proxy the proxy tests go through (Debian's squid; openssl makes its password file), and SQLite's
# headers, which the gateway's SQLite store (GRDB) builds against.
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
if ! [ -x /usr/sbin/squid ] || ! command -v openssl >/dev/null || ! [ -f /usr/include/sqlite3.h ]; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends squid openssl libsqlite3-dev >/dev/null
  # Debian starts a system squid on installing it; the tests start their own.
  if command -v service >/dev/null; then $SUDO service squid stop >/dev/null 2>&1 || true; fi
fi

scripts/local-model.sh install
scripts/local-model.sh start
scripts/postgres.sh start
trap 'scripts/local-model.sh stop; scripts/postgres.sh stop' EXIT
eval "$(scripts/local-model.sh env)"
eval "$(scripts/postgres.sh env)"

mkdir -p .build
swift build --build-tests "$@"

status=0
# The DocC documentation builds without a warning (a broken symbol link fails it).
docs_failed=0
scripts/docs.sh || { status=1; docs_failed=1; }
run_phase() { # log-file swift-test-arguments...
  local log=$1; shift
  set +e
  swift test --skip-build "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] || status=1
}
# Tests that measure time (timeouts, cancellation, dying servers) run with the end-to-end ones, one at a
# time, so hundreds of parallel tests on 2 cores cannot stretch their clocks.
serial='EndToEndTests|HTTPTransportTests|WholeBodyHintTests|FaultTests|TimingFaults|CancellationSoakTests|MCPConnectionTests'
run_phase .build/test-unit.log --skip "$serial"
run_phase .build/test-e2e.log --filter "$serial" --no-parallel

# Swift Testing's summary: "Test run with N tests in M suites passed|failed after ...". Skipped and
# failed tests are counted from their own lines ("➜ Test x skipped", "✘ Test x failed after").
total=0; failed=0; skipped=0
for log in .build/test-unit.log .build/test-e2e.log; do
  count=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' "$log" | tail -1)
  if [ -z "$count" ]; then
    echo "no test summary in $log: the tests did not run" >&2
    exit 1
  fi
  total=$((total + count))
  failed=$((failed + $(grep -E "^✘ Test .* failed after" "$log" | grep -cv "^✘ Test run with" || true)))
  skipped=$((skipped + $(grep -cE "^➜ Test .* skipped" "$log" || true)))
done
if grep -qE "^➜ (Suite|Test) .* skipped" .build/test-e2e.log; then
  echo "end-to-end tests were skipped: the local servers are not configured" >&2
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# What failed, again at the end, where a CI log's tail shows it.
if [ "$status" -ne 0 ]; then
  grep -hE "^✘ " .build/test-unit.log .build/test-e2e.log | grep -v "^✘ Test run with" | head -40 >&2 || true
  [ "$docs_failed" -eq 0 ] || echo "the documentation did not build without warnings (scripts/docs.sh)" >&2
fi
echo "$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
exit "$status"
