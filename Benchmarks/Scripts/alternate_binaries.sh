#!/usr/bin/env bash
# Compares two builds of StreamBench (say, before and after a change) layer by layer: one replay server, the
# two binaries alternated run by run so that load hits them alike, CPU per event as medians with their spread.
#
#   Benchmarks/Scripts/alternate_binaries.sh BEFORE/StreamBench AFTER/StreamBench [rounds] [layers] [formats]
#
# Build each variant with `swift build -c release --package-path Benchmarks --product StreamBench` and copy
# Benchmarks/.build/release/StreamBench (and BenchServer) aside before building the other.
set -euo pipefail
BEFORE=$1 AFTER=$2 ROUNDS=${3:-10} LAYERS=${4:-"provider-ahc provider"} FORMATS=${5:-"openai anthropic"}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
ulimit -n 8192 2>/dev/null || true
python3 "$ROOT/Benchmarks/Scripts/make_transcripts.py" "$ROOT/Tests/LLMTests/Fixtures/conformance" "$WORK/transcripts" >&2
"$(dirname "$AFTER")/BenchServer" --transcripts "$WORK/transcripts" --lifetime 3600 >"$WORK/server.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q '^PORT' "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
SERVER=http://127.0.0.1:$(awk '/^PORT/ {print $2}' "$WORK/server.out")
for round in $(seq "$ROUNDS"); do
  for format in $FORMATS; do
    for layer in $LAYERS; do
      for variant in before after; do
        binary=$BEFORE; [ "$variant" = after ] && binary=$AFTER
        "$binary" --format "$format" --layer "$layer" --server "$SERVER" --repeat 10 | sed "s/^{/{\"variant\":\"$variant\",/"
      done
    done
  done
done >"$WORK/results.jsonl"
python3 - "$WORK/results.jsonl" <<'PY'
import collections, json, statistics, sys
groups = collections.defaultdict(list)
for line in open(sys.argv[1]):
    row = json.loads(line)
    layer = "provider" if row["consumer"] == "swift-llm" else row["consumer"].split()[1]
    groups[(row["format"], layer, row["variant"])].append(row["cpu_s"] / row["wire_events"] * 1e6)
print("| format | layer | before µs/event (min-max) | after µs/event (min-max) | before/after |")
print("|---|---|---|---|---|")
for format, layer in sorted({(f, l) for f, l, _ in groups}):
    before, after = groups[(format, layer, "before")], groups[(format, layer, "after")]
    print(f"| {format} | {layer} | {statistics.median(before):.2f} ({min(before):.2f}-{max(before):.2f}) "
          f"| {statistics.median(after):.2f} ({min(after):.2f}-{max(after):.2f}) "
          f"| {statistics.median(before) / statistics.median(after):.3f} |")
PY
