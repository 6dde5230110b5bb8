#!/usr/bin/env bash
# Performance benchmarks of swift-llm: stream decoding (against the official Python SDKs, LiteLLM
# and curl), request overhead, memory with 1,000 open streams. Prints one table and writes it to
# Benchmarks/results/latest.md (raw results beside it in latest.jsonl).
#
#   scripts/bench.sh
#
# Environment: RUNS (default 5) runs of benchmarks 1 and 2, MEMORY_RUNS (3) of benchmark 3,
# SKIP_LITELLM=1 to leave LiteLLM out (it takes ~40 s of CPU per transcript and ~2.5 min to
# install), BENCH_VENV for the Python clients' venv (~/.cache/swift-llm/bench-venv).
# Only 127.0.0.1 is contacted; every loop is bounded and every command has a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
MEMORY_RUNS=${MEMORY_RUNS:-3}
SWIFT_REPEAT=3    # measured transcripts per Swift process
SDK_REPEAT=2      # per openai / anthropic SDK process
LITELLM_REPEAT=1  # per LiteLLM process
CURL_REPEAT=10    # per curl process
VENV=${BENCH_VENV:-$HOME/.cache/swift-llm/bench-venv}
WORK=$ROOT/Benchmarks/.build/bench-run
BIN=$ROOT/Benchmarks/.build/release
OUT=$WORK/results.jsonl
mkdir -p "$WORK" "$ROOT/Benchmarks/results"
export LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_TELEMETRY=False  # no fetch from the internet
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
ulimit -n 8192 2>/dev/null || true  # 1,000 streams need 2,000 sockets (client and server)

step() { echo "== $*" >&2; }
# One measurement: its JSON line goes to the results; a failure is reported and the run goes on.
measure() { local limit=$1; shift; timeout "$limit" "$@" >>"$OUT" || step "FAILED ($?): $*"; }

# --- Tools and Python clients (installed if missing, so a fresh machine works) -----------------
if ! command -v curl >/dev/null; then apt-get update -qq && apt-get install -y -qq curl >/dev/null; fi
if [ ! -x "$VENV/bin/python" ]; then
    step "creating $VENV"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import openai, anthropic" 2>/dev/null; then
    step "installing the openai and anthropic SDKs"
    "$VENV/bin/pip" install -q openai anthropic
fi
if [ "${SKIP_LITELLM:-0}" != 1 ] && ! "$VENV/bin/python" -c "import litellm" 2>/dev/null; then
    step "installing LiteLLM (about 2.5 minutes)"
    "$VENV/bin/pip" install -q 'litellm[proxy]'
fi

# --- Build (release) and transcripts -------------------------------------------------------------
step "building the benchmarks in release mode"
swift build -c release --package-path Benchmarks >&2
python3 Benchmarks/Scripts/make_transcripts.py Tests/LLMTests/Fixtures/conformance "$WORK/transcripts" >&2

# --- Replay server --------------------------------------------------------------------------------
"$BIN/BenchServer" --transcripts "$WORK/transcripts" --lifetime 7200 >"$WORK/server.out" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^PORT' "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(awk '/^PORT/ {print $2}' "$WORK/server.out")
[ -n "$PORT" ] || { echo "the replay server did not start" >&2; cat "$WORK/server.out" >&2; exit 1; }
SERVER=http://127.0.0.1:$PORT

load() { printf '{"bench":"load","phase":"%s","load":"%s"}\n' "$1" "$(uptime | sed 's/.*load average: //')" >>"$OUT"; }
: >"$OUT"
printf '{"bench":"meta","date":"%s","machine":"%s cores, %s","swift":"%s","python":"%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$(uname -sr)" \
    "$(swift --version 2>/dev/null | head -1 | sed 's/ (.*//')" \
    "$("$VENV/bin/python" -c 'import sys, openai, anthropic; print(f"Python {sys.version.split()[0]}, openai {openai.__version__}, anthropic {anthropic.__version__}")')$(
        [ "${SKIP_LITELLM:-0}" = 1 ] || "$VENV/bin/python" -c 'from importlib.metadata import version; print(", litellm", version("litellm"))' | tr -d '\n')" \
    >>"$OUT"

# --- 1. Stream decoding: every consumer once per run, interleaved, so load hits them alike ------
for run in $(seq "$RUNS"); do
    step "stream decoding, run $run/$RUNS"
    load "stream decoding, run $run"
    # The layers below `provider` show where its CPU goes (see Benchmarks/Sources/StreamBench).
    for format in openai anthropic gemini ollama openai-responses; do
        layers="provider provider-ahc decode sse transport transport-ahc ahc nio"
        [ "$format" = openai ] && layers="$layers json"
        # The Responses API's body is read like OpenAI's: only the layers that parse and map it differ.
        [ "$format" = openai-responses ] && layers="provider decode"
        for layer in $layers; do
            measure 300 "$BIN/StreamBench" --format "$format" --layer "$layer" --server "$SERVER" --repeat "$SWIFT_REPEAT"
        done
    done
    for client in openai anthropic openai-responses; do
        measure 600 "$VENV/bin/python" Benchmarks/Python/stream_consumer.py "$client" "$SERVER" "$SDK_REPEAT"
    done
    if [ "${SKIP_LITELLM:-0}" != 1 ]; then
        for client in litellm-openai litellm-anthropic; do
            measure 900 "$VENV/bin/python" Benchmarks/Python/stream_consumer.py "$client" "$SERVER" "$LITELLM_REPEAT"
        done
    fi
    measure 300 python3 Benchmarks/Python/stream_consumer.py curl "$SERVER" "$CURL_REPEAT"
done

# --- 2. Request overhead ----------------------------------------------------------------------------
for run in $(seq "$RUNS"); do
    step "request overhead, run $run/$RUNS"
    load "request overhead, run $run"
    measure 600 "$BIN/OverheadBench" --server "$SERVER" --requests 10000 --concurrency 1
    measure 600 "$BIN/OverheadBench" --server "$SERVER" --requests 10000 --concurrency 64
    measure 600 "$BIN/OverheadBench" --server "$SERVER" --requests 10000 --concurrency 64 --pool ahc-default
done

# --- 3. Memory with 1,000 open streams ----------------------------------------------------------------
for run in $(seq "$MEMORY_RUNS"); do
    step "memory, run $run/$MEMORY_RUNS"
    load "memory, run $run"
    measure 300 "$BIN/MemoryBench" --server "$SERVER" --streams 1000 --ticks 40 --sample-seconds 5
done
# Once over the other transport, AsyncHTTPClientTransport with one connection per stream, for comparison.
step "memory, AsyncHTTPClientTransport"
measure 300 "$BIN/MemoryBench" --server "$SERVER" --streams 1000 --ticks 20 --open-timeout 10 --transport ahc
load "end"

cp "$OUT" Benchmarks/results/latest.jsonl
python3 Benchmarks/Scripts/summarize.py "$OUT" | tee Benchmarks/results/latest.md
step "done in $((SECONDS / 60)) min $((SECONDS % 60)) s"
