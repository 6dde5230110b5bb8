#!/usr/bin/env bash
# A real PostgreSQL server on loopback for the gateway's store tests: Debian's `postgresql` package, a cluster of its
# own under /tmp (where the `postgres` user can reach it), run as a non-root user (`postgres` when this runs as root).
#
# usage: scripts/postgres.sh start   install if need be, create the cluster once, start it (with the test database
#                                    made afresh) unless it runs, wait until it answers
#        scripts/postgres.sh stop
#        scripts/postgres.sh env     print LLM_E2E_POSTGRES_URL for the tests
set -euo pipefail
PORT=${LLM_POSTGRES_PORT:-54329}
ROOT=${LLM_POSTGRES_DIR:-/tmp/swift-llm-postgres-$(id -u)}
DATA=$ROOT/data
SOCKETS=$ROOT/sockets
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# The server refuses to run as root: as root, run it as the `postgres` user the Debian package creates.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  if [ -z "$(bin)" ]; then
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    # The package starts a cluster of its own on 5432; the tests use theirs.
    if command -v service >/dev/null; then $SUDO service postgresql stop >/dev/null 2>&1 || true; fi
  fi
  BIN=$(bin)
  mkdir -p "$DATA" "$SOCKETS"
  if [ "$(id -u)" = 0 ]; then chown postgres "$ROOT" "$DATA" "$SOCKETS"; fi
  chmod 700 "$DATA"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$DATA" -U llm -A trust --no-sync >/dev/null
  fi
  started=""
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    started=yes
    # A throwaway server: no fsync, and new WAL segments are not first filled with 16 MB of zeros (on one machine
    # commits waited on that, `IO:WALInitWrite` in pg_stat_activity, and a saturated gateway's p99 went from 11-14 ms
    # to 100-180 ms: Benchmarks/Gateway, 2026-12-05).
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $PORT -k $SOCKETS -c fsync=off -c wal_init_zero=off -c max_connections=200" start >/dev/null
  fi
  # A fresh database each time the server starts: every test and benchmark makes a schema of its own and leaves it,
  # and the cluster outlives the runs (800 schemas, 1.7 GB after a day of them). A server already running may be
  # serving another run, so its database is left alone.
  if [ -n "$started" ]; then
    as_owner "$BIN/dropdb" -h 127.0.0.1 -p "$PORT" -U llm --if-exists llm_gateway_test
  fi
  exists=$(as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U llm -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'llm_gateway_test'")
  if [ "$exists" != 1 ]; then
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U llm llm_gateway_test
  fi
  ;;
stop)
  BIN=$(bin)
  [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
  ;;
env)
  echo "export LLM_E2E_POSTGRES_URL=postgres://llm@127.0.0.1:$PORT/llm_gateway_test"
  ;;
*)
  echo "usage: $0 start|stop|env" >&2; exit 2
  ;;
esac
