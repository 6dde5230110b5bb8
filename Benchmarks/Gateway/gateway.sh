#!/usr/bin/env bash
# Gateway performance, side by side, in one run on this machine: wrk at saturation against
#   direct    the zero-latency upstream itself (nginx returning a fixed OpenAI reply: the floor)
#   nginx     nginx proxy_pass in front of it (the floor of any reverse proxy)
#   sqlite    llm-gateway with a key, RPM/TPM limits, a budget and the ledger on, on SQLite
#   postgres  the same on PostgreSQL (scripts/postgres.sh)
#   litellm   the LiteLLM proxy (PyPI litellm[proxy], pinned) with its master key, 2 workers
# for OpenAI requests whole and streamed (100 chunks) and Anthropic requests (translated to the OpenAI upstream), in
# alternated rounds; then, at fixed rates (100, 500 and 1,000 requests/s, LoadGen: open loop, exact percentiles), the
# latency each variant adds over going direct, and the time to first byte of streams; then llm-gateway's memory with
# 1,000 streams held open (BenchServer's slow streams upstream). Writes Benchmarks/results/gateway-latest.md (medians
# and spreads) and gateway-latest.jsonl, gateway-latency.jsonl, gateway-memory.jsonl.
#
# usage: Benchmarks/Gateway/gateway.sh [rounds (5)] [seconds per run (8)]
#   PHASES="throughput latency memory" (the default) picks phases; RATES="100 500 1000"; LATENCY_SECONDS=10;
#   VARIANTS="direct nginx sqlite postgres litellm" (the default) picks variants (a quick look; the summary wants all).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
SECONDS_PER_RUN=${2:-8}
ROOT=/tmp/swift-llm-gateway-bench
CACHE=${SWIFT_LLM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/swift-llm}
LITELLM_VERSION=1.108.7
STUB=18080; PROXY=18081; SQLITE=18082; POSTGRES=18083; LITELLM=18084; SLOW=18085
PHASES=${PHASES:-throughput latency memory}
RATES=${RATES:-100 500 1000}
LATENCY_SECONDS=${LATENCY_SECONDS:-10}
phase() { [[ " $PHASES " == *" $1 "* ]]; }
read -r -a variants <<< "${VARIANTS:-direct nginx sqlite postgres litellm}"
wanted() { [[ " ${variants[*]} " == *" $1 "* ]]; }
# 1,000 held streams are 2,000 sockets in the gateway.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
MASTER=bench-master-key-0123456789abcdef
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
rm -rf "$ROOT"; mkdir -p "$ROOT"/{body,proxy,fastcgi,uwsgi,scgi}

# --- Tools: Debian's nginx and wrk, LiteLLM from PyPI, the gateway built for release.
if ! command -v nginx >/dev/null && ! [ -x /usr/sbin/nginx ] || ! command -v wrk >/dev/null; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light wrk >/dev/null
  if command -v service >/dev/null; then $SUDO service nginx stop >/dev/null 2>&1 || true; fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ "$(cat "$CACHE/litellm-venv/version" 2>/dev/null)" != "$LITELLM_VERSION" ]; then
  rm -rf "$CACHE/litellm-venv" && python3 -m venv "$CACHE/litellm-venv"
  "$CACHE/litellm-venv/bin/pip" install -q --disable-pip-version-check "litellm[proxy]==$LITELLM_VERSION"
  echo "$LITELLM_VERSION" > "$CACHE/litellm-venv/version"
fi
swift build -c release --product llm-gateway 2>&1 | grep -E "error|warning: unused" || true
GATEWAY=$(swift build -c release --show-bin-path)/llm-gateway
swift build -c release --package-path Benchmarks --product LoadGen 2>&1 | grep -E "error" || true
swift build -c release --package-path Benchmarks --product BenchServer 2>&1 | grep -E "error" || true
LOADGEN=Benchmarks/.build/release/LoadGen
scripts/postgres.sh start
eval "$(scripts/postgres.sh env)"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "timed out: $1" >&2; return 1; }

# --- The upstream: a small reply, and 100 chunks with usage.
python3 Benchmarks/Gateway/stub_bodies.py "$ROOT"
sed -e "s#@ROOT@#$ROOT#g" -e "s#@STUB@#$STUB#g" -e "s#@PROXY@#$PROXY#g" Benchmarks/Gateway/nginx-stub.conf.template \
  | python3 -c "import sys; t=sys.stdin.read(); t=t.replace('@WHOLE@', open('$ROOT/whole.json').read()); sys.stdout.write(t)" \
  > "$ROOT/nginx.conf"
"$NGINX" -c "$ROOT/nginx.conf" -p "$ROOT" & pids+=($!)
wait_for "http://127.0.0.1:$STUB/whole/v1/chat/completions"
curl -fsS -X POST -o /dev/null "http://127.0.0.1:$STUB/stream/v1/chat/completions"

# --- A slow upstream for held streams: one event a second for 30 s.
mkdir -p "$ROOT/empty"
Benchmarks/.build/release/BenchServer --transcripts "$ROOT/empty" --port $SLOW --lifetime 7200 >/dev/null & pids+=($!)

# --- llm-gateway on SQLite and on PostgreSQL, every feature on.
for variant in sqlite postgres; do
  port=$SQLITE; store="{sqlite: \"$ROOT/gateway.db\"}"
  if [ "$variant" = postgres ]; then port=$POSTGRES; store="{postgres: \"$LLM_E2E_POSTGRES_URL?schema=bench_$$\"}"; fi
  cat > "$ROOT/gateway-$variant.yaml" <<YAML
listen: 127.0.0.1:$port
allow_anonymous: false
master_key_env: LLM_GATEWAY_MASTER_KEY
store: $store
models:
  - name: whole
    targets: [{model: llamacpp/bench, base_url: "http://127.0.0.1:$STUB/whole/v1", price: {input_per_mtok: 0.1, output_per_mtok: 0.2}}]
  - name: stream
    targets: [{model: llamacpp/bench, base_url: "http://127.0.0.1:$STUB/stream/v1", price: {input_per_mtok: 0.1, output_per_mtok: 0.2}}]
  - name: hold
    targets: [{model: llamacpp/bench, base_url: "http://127.0.0.1:$SLOW/hold/30/v1", price: {input_per_mtok: 0.1, output_per_mtok: 0.2}}]
YAML
  LLM_GATEWAY_MASTER_KEY=$MASTER "$GATEWAY" --config "$ROOT/gateway-$variant.yaml" >"$ROOT/gateway-$variant.log" 2>&1 & pids+=($!)
  echo $! > "$ROOT/$variant.pid"
  wait_for "http://127.0.0.1:$port/health"
  curl -fsS "http://127.0.0.1:$port/admin/keys" -H "authorization: Bearer $MASTER" -H "content-type: application/json" \
    -d '{"name": "bench", "rpm": 100000000, "tpm": 1000000000000, "budget_usd": 1000000}' \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['key'])" > "$ROOT/$variant.key"
done

# --- LiteLLM, as its docs recommend for production as far as this machine allows (no Redis or database: virtual keys
# need Prisma's engines, which are not on PyPI; its master key stands in for one).
cat > "$ROOT/litellm.yaml" <<YAML
model_list:
  - model_name: whole
    litellm_params: {model: openai/bench, api_base: "http://127.0.0.1:$STUB/whole/v1", api_key: unused}
  - model_name: stream
    litellm_params: {model: openai/bench, api_base: "http://127.0.0.1:$STUB/stream/v1", api_key: unused}
general_settings: {master_key: "sk-$MASTER"}
# LiteLLM sends Anthropic requests for an OpenAI model to the Responses API unless told otherwise (the stub answers chat
# completions only, as llm-gateway is configured to call); this setting makes its translation the same as ours.
litellm_settings: {use_chat_completions_url_for_anthropic_messages: true, set_verbose: false, json_logs: true}
YAML
if wanted litellm; then
(cd "$ROOT" && exec "$CACHE/litellm-venv/bin/litellm" --config "$ROOT/litellm.yaml" --host 127.0.0.1 --port $LITELLM --num_workers 2 >"$ROOT/litellm.log" 2>&1) & pids+=($!)
echo $! > "$ROOT/litellm.pid"
wait_for "http://127.0.0.1:$LITELLM/health/liveliness"
fi
echo "sk-$MASTER" > "$ROOT/litellm.key"
echo "unused" > "$ROOT/direct.key"; echo "unused" > "$ROOT/nginx.key"

# --- The runs: each (variant, scenario) once a round, the variants' order turned each round.
printf '%s' '{"model": "whole", "max_tokens": 16, "messages": [{"role": "user", "content": "Say hello."}]}' > "$ROOT/openai-whole.json"
printf '%s' '{"model": "stream", "max_tokens": 16, "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "Say hello."}]}' > "$ROOT/openai-stream.json"
cp "$ROOT/openai-whole.json" "$ROOT/anthropic-whole.json"
url() { # variant scenario
  local base
  case $1 in direct) base=http://127.0.0.1:$STUB;; nginx) base=http://127.0.0.1:$PROXY;; sqlite) base=http://127.0.0.1:$SQLITE;;
    postgres) base=http://127.0.0.1:$POSTGRES;; litellm) base=http://127.0.0.1:$LITELLM;; esac
  case $1:$2 in
    direct:openai-whole|nginx:openai-whole) echo "$base/whole/v1/chat/completions";;
    direct:openai-stream|nginx:openai-stream) echo "$base/stream/v1/chat/completions";;
    *:anthropic-whole) echo "$base/v1/messages";;
    *) echo "$base/v1/chat/completions";;
  esac
}
cpu_seconds() { # pid: user+sys of the process and its children, in seconds
  [ -f "/proc/$1/stat" ] || { echo 0; return; }
  local total=0
  for task in $(pgrep -P "$1") "$1"; do
    [ -f "/proc/$task/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$task/stat")))
  done
  echo "scale=3; $total / $(getconf CLK_TCK)" | bc
}
out=Benchmarks/results/gateway-latest.jsonl
if phase throughput; then
: > "$out"
for round in $(seq 1 "$ROUNDS"); do
  for offset in $(seq 0 $((${#variants[@]} - 1))); do
    variant=${variants[$(( (offset + round) % ${#variants[@]} ))]}
    for scenario in openai-whole openai-stream anthropic-whole; do
      case $variant:$scenario in direct:anthropic-whole|nginx:anthropic-whole) continue;; esac
      pid=$(cat "$ROOT/$variant.pid" 2>/dev/null || echo 0)
      before=$(cpu_seconds "$pid")
      line=$(BODY_FILE=$ROOT/$scenario.json KEY=$(cat "$ROOT/$variant.key") \
        wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s Benchmarks/Gateway/post.lua "$(url "$variant" "$scenario")" | grep '^RESULT')
      after=$(cpu_seconds "$pid")
      rss=$([ "$pid" != 0 ] && awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      echo "{\"round\": $round, \"variant\": \"$variant\", \"scenario\": \"$scenario\", \"cpu\": $(echo "$after - $before" | bc), \"peak_rss_kb\": ${rss:-0}, $(echo "$line" | sed -E 's/RESULT //; s/([a-z0-9_]+)=([0-9.]+)/"\1": \2,/g; s/,$//')}" >> "$out"
      echo "round $round $variant $scenario: $line"
    done
  done
done
fi

# --- Fixed rates: the latency each variant adds, and streams' time to first byte.
latency_out=Benchmarks/results/gateway-latency.jsonl
if phase latency; then
  : > "$latency_out"
  for round in $(seq 1 "$ROUNDS"); do
    for offset in $(seq 0 $((${#variants[@]} - 1))); do
      variant=${variants[$(( (offset + round) % ${#variants[@]} ))]}
      for run in $(for rate in $RATES; do echo "openai-whole:$rate"; done) openai-stream:100; do
        scenario=${run%%:*}; rate=${run##*:}
        line=$("$LOADGEN" --url "$(url "$variant" "$scenario")" --body "$ROOT/$scenario.json" \
          --header "authorization: Bearer $(cat "$ROOT/$variant.key")" --rate "$rate" --seconds "$LATENCY_SECONDS" --warmup 2 \
          --connections 32 --label "$variant")
        echo "{\"round\": $round, \"variant\": \"$variant\", \"scenario\": \"$scenario\", ${line#\{}" >> "$latency_out"
        echo "round $round $variant $scenario $rate/s: $line"
      done
    done
  done
fi

# --- Memory: 1,000 streams held open through the gateway on SQLite.
memory_out=Benchmarks/results/gateway-memory.jsonl
if phase memory; then
  printf '%s' '{"model": "hold", "stream": true, "messages": [{"role": "user", "content": "Hold on."}]}' > "$ROOT/hold.json"
  "$LOADGEN" --url "http://127.0.0.1:$SQLITE/v1/chat/completions" --body "$ROOT/hold.json" \
    --header "authorization: Bearer $(cat "$ROOT/sqlite.key")" --hold 1000 --pid "$(cat "$ROOT/sqlite.pid")" | tee "$memory_out"
fi

{
  [ -s "$out" ] && python3 Benchmarks/Gateway/summarize_gateway.py "$out" "$LITELLM_VERSION" "$("$NGINX" -v 2>&1 | sed 's#.*/##')"
  echo
  echo "## Fixed rates (LoadGen, open loop): latency over going direct"
  echo
  [ -s "$latency_out" ] && python3 Benchmarks/Gateway/summarize_latency.py "$latency_out" "$memory_out"
} > Benchmarks/results/gateway-latest.md
cat Benchmarks/results/gateway-latest.md
