#!/usr/bin/env bash
# Asks a real local model a question with the `llm` CLI, no API key needed:
# installs and starts llama.cpp's server with a small model (scripts/local-model.sh), then streams the reply.
#   usage: scripts/try-local.sh "Write a haiku about the sea"
# Each step prints one line; the build logs go to files that a failure names. The server keeps running for further
# `.build/debug/llm -m llamacpp/smol ...` calls; stop it with `scripts/local-model.sh stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "swift-llm with a real model on this machine, no API key: the first run installs and builds for about 11 minutes, later ones start in seconds." >&2
scripts/local-model.sh install
printf 'starting llama-server on 127.0.0.1... ' >&2
scripts/local-model.sh start 2>/dev/null >/dev/null && echo "up" >&2
mkdir -p .build
log=.build/try-local-build.log
printf 'building the llm command (about 3 minutes the first time)... ' >&2
started=$SECONDS
if swift build --product llm >"$log" 2>&1; then
  echo "done ($((SECONDS - started)) s)" >&2
else
  echo "failed; the log is $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
echo >&2
exec .build/debug/llm -m llamacpp/smol "$@"
