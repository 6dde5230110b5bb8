#!/usr/bin/env bash
# Asks a real local model a question with the `llm` CLI, no API key needed:
# installs and starts llama.cpp's server with a small model (scripts/local-model.sh), then streams the reply.
#   usage: scripts/try-local.sh "Write a haiku about the sea"
# The server keeps running for further `swift run llm -m llamacpp/smol ...` calls; stop it with
# `scripts/local-model.sh stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/local-model.sh install >&2
scripts/local-model.sh start >&2
swift build --product llm >&2
exec .build/debug/llm -m llamacpp/smol "$@"
