#!/usr/bin/env bash
# Where a held stream's memory of async frames goes: traces Swift's task allocator (gdb breakpoints on
# swift_task_alloc and swift_task_dealloc) while one stream is opened through llm-gateway on SQLite and held by a slow
# upstream (BenchServer's /hold), then prints, for the tasks that went deepest (the route's child task, which ends once
# the stream is set up; the stream's connection; the connection that read the key), the deepest stack of frames each
# reached: every frame's size and the running total. A task keeps the slabs of its deepest
# stack until it ends, and the connection's task lasts as long as the stream, so that depth is memory a stream holds.
#
# Each line names the function that allocated the frame, that is the caller of the frame's function (the caller
# allocates its callee's context). Needs gdb (Debian's `gdb`).
#
# usage: Benchmarks/Gateway/task-frames.sh [llm-gateway binary (the release build)] [tasks to print (3)]
set -euo pipefail
cd "$(dirname "$0")/../.."
GATEWAY=${1:-$(swift build -c release --show-bin-path)/llm-gateway}
TASKS=${2:-3}
ROOT=$(mktemp -d /tmp/task-frames.XXXXXX)
GATEWAY_PORT=18182; SLOW_PORT=18185; MASTER=task-frames-master-key-0123456789
command -v gdb >/dev/null || { echo "needs gdb (apt-get install gdb)" >&2; exit 1; }
swift build -c release --package-path Benchmarks --product BenchServer 2>&1 | grep -E "error" || true

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$ROOT"; }
trap cleanup EXIT
mkdir -p "$ROOT/empty"
Benchmarks/.build/release/BenchServer --transcripts "$ROOT/empty" --port $SLOW_PORT --lifetime 600 >/dev/null 2>&1 &
pids+=($!)
cat > "$ROOT/gateway.yaml" <<YAML
listen: 127.0.0.1:$GATEWAY_PORT
allow_anonymous: false
master_key_env: LLM_GATEWAY_MASTER_KEY
store: {sqlite: "$ROOT/gateway.db"}
models:
  - name: hold
    targets: [{model: llamacpp/bench, base_url: "http://127.0.0.1:$SLOW_PORT/hold/30/v1", price: {input_per_mtok: 0.1, output_per_mtok: 0.2}}]
YAML
LLM_GATEWAY_MASTER_KEY=$MASTER LLM_LOG_LEVEL=warning "$GATEWAY" --config "$ROOT/gateway.yaml" > "$ROOT/gateway.log" 2>&1 &
gateway=$!; pids+=($gateway)
for _ in $(seq 1 300); do curl -fsS -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" 2>/dev/null && break; sleep 0.1; done
key=$(curl -fsS "http://127.0.0.1:$GATEWAY_PORT/admin/keys" -H "authorization: Bearer $MASTER" -H "content-type: application/json" \
  -d '{"name": "frames", "rpm": 1000000, "tpm": 1000000000, "budget_usd": 1000}' | python3 -c "import json,sys; print(json.load(sys.stdin)['key'])")
body='{"model": "hold", "stream": true, "messages": [{"role": "user", "content": "Hold on."}]}'
stream() { curl -sS -N --max-time "$1" "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" -H "authorization: Bearer $key" \
  -H "content-type: application/json" -d "$body" >/dev/null 2>&1 || true; }
# A first stream, so that what runs once (metadata, pools, the store's statements) is not in the trace.
stream 1

# Break just after each function has fetched the current task (its return value in rax): the size or pointer is in
# rbx then, and the return address above the saved registers. The offsets are read off this machine's runtime.
after_current_task() {
  gdb -batch -ex "disassemble $1" -p "$gateway" 2>/dev/null \
    | awk '/call.*<swift_task_getCurrent>/ { found = 1; next } found { sub(/^[ =>]*/, ""); print $1; exit }'
}
alloc=$(after_current_task swift_task_alloc); dealloc=$(after_current_task swift_task_dealloc)
[ -n "$alloc" ] && [ -n "$dealloc" ] || { echo "could not find where the task allocator reads the current task" >&2; exit 1; }
# Each hit prints a line: A (size, task) or D (pointer, task), then the caller's symbol.
breakpoint() {
  printf 'break *%s\ncommands\nsilent\nprintf "%s %s %%p ", $rbx, $rax\ninfo symbol *(void**)($rbp+8)\ncontinue\nend\n' "$1" "$2" "$3"
}
{
  printf 'set pagination off\nset print demangle off\n'
  breakpoint "$alloc" A %lu
  breakpoint "$dealloc" D %p
  printf 'continue\n'
} > "$ROOT/trace.gdb"
gdb -p "$gateway" -batch -x "$ROOT/trace.gdb" > "$ROOT/trace.txt" 2>&1 &
tracer=$!
sleep 4  # gdb reads the binary's symbols before it sets its breakpoints
# The key read into the cache first (it holds a key a second), by a request on a connection of its own, as most of a
# burst's streams find it: the stream's connection then shows the usual path, not a key read from the store.
curl -sS -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/v1/models" -H "authorization: Bearer $key" || true
stream 5
kill -INT "$tracer" 2>/dev/null || true
wait "$tracer" 2>/dev/null || true

python3 - "$ROOT/trace.txt" "$TASKS" <<'PY' | swift demangle --simplified
import re, sys
from collections import defaultdict
stacks, deepest = defaultdict(list), {}
for line in open(sys.argv[1]):
    m = re.match(r'^([AD]) (\S+) (\S+) (\S+)', line)
    if not m:
        continue
    kind, value, task, symbol = m.groups()
    stack = stacks[task]
    if kind == 'A':
        stack.append((int(value), symbol))
        depth = sum(size for size, _ in stack)
        if depth > deepest.get(task, (0, []))[0]:
            deepest[task] = (depth, list(stack))
    elif stack:
        stack.pop()  # the task allocator is a stack: a deallocation frees the last allocation
for task, (depth, stack) in sorted(deepest.items(), key=lambda item: -item[1][0])[:int(sys.argv[2])]:
    print(f'task {task}: deepest stack of frames {depth} bytes')
    total = 0
    for size, symbol in stack:
        total += size
        print(f'{size:7d} {total:7d}  {symbol}')
    print()
PY
