#!/usr/bin/env bash
# Reading a reply of 1,000 embeddings of 1,536 floats in base64: swift-llm's OpenAIProvider.embed against the official
# openai Python SDK, the same bytes served from memory to both, in alternated rounds. Writes
# Benchmarks/results/embeddings-latest.md and .jsonl.
#
# usage: Benchmarks/Embeddings/embeddings.sh [rounds] [iterations per round]
set -euo pipefail
ROUNDS=${1:-5}
ITERATIONS=${2:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${SWIFT_LLM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/swift-llm}
PYTHON=$CACHE/sdk-venv/bin/python
[ -x "$PYTHON" ] || "$ROOT/scripts/local-model.sh" install >&2  # installs the pinned official SDKs
echo "building EmbeddingBench (release)..." >&2
swift build -c release --package-path "$ROOT/Benchmarks" --product EmbeddingBench >&2
BIN=$ROOT/Benchmarks/.build/release/EmbeddingBench
BODY=$(mktemp /tmp/embeddings-body.XXXXXX.json)
OUT=$ROOT/Benchmarks/results/embeddings-latest.jsonl
trap 'rm -f "$BODY"' EXIT
"$BIN" --vectors 1000 --dimensions 1536 --iterations 1 --write-body "$BODY" >/dev/null
: >"$OUT"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS" >&2
  "$BIN" --vectors 1000 --dimensions 1536 --iterations "$ITERATIONS" | sed "s/^{/{\"round\": $round, /" >>"$OUT"
  "$PYTHON" "$ROOT/Benchmarks/Python/embeddings_decode.py" "$BODY" 1000 "$ITERATIONS" | sed "s/^{/{\"round\": $round, /" >>"$OUT"
done
python3 - "$OUT" "$ROOT/Benchmarks/results/embeddings-latest.md" "$ROUNDS" "$ITERATIONS" <<'PY'
import json, os, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
variants = {}
for row in rows:
    variants.setdefault(row["variant"], []).append(row)
def summary(name):
    runs = variants[name]
    medians = [r["median_ms"] for r in runs]
    return statistics.median(medians), min(medians), max(medians), statistics.median(r["cpu_ms"] for r in runs)
swift = next(v for v in variants if v == "swift-llm")
peer = next(v for v in variants if v.startswith("openai-python"))
(sm, slo, shi, scpu), (pm, plo, phi, pcpu) = summary(swift), summary(peer)
load = os.getloadavg()
lines = [
    "# Reading 1,000 embeddings of 1,536 floats (base64)",
    "",
    f"`Benchmarks/Embeddings/embeddings.sh {sys.argv[3]} {sys.argv[4]}`: {sys.argv[3]} alternated rounds of {sys.argv[4]} replies each, "
    f"the same {rows[0]['body_bytes']:,}-byte reply served from memory to both; load average {load[0]:.2f}, {os.cpu_count()} cores.",
    "",
    "| reader | ms per reply, median of rounds | spread of round medians | CPU ms per reply |",
    "|---|---|---|---|",
    f"| swift-llm `OpenAIProvider.embed` | {sm:.1f} | {slo:.1f} to {shi:.1f} | {scpu:.1f} |",
    f"| {peer} `embeddings.create` | {pm:.1f} | {plo:.1f} to {phi:.1f} | {pcpu:.1f} |",
    "",
    f"swift-llm reads a reply in {sm / pm:.2f} of the SDK's time ({pm / sm:.1f}x faster).",
]
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
