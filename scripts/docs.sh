#!/usr/bin/env bash
# Builds the DocC documentation of the LLM library (Sources/LLM/LLM.docc and every doc comment) into
# .build/docs/LLM.doccarchive, failing on any warning (a broken symbol link, an unknown article). scripts/test.sh runs it.
#   usage: scripts/docs.sh            then open .build/docs/LLM.doccarchive, or serve it with `docc preview`
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building the documentation of LLM (DocC)..." >&2
rm -rf .build/docs && mkdir -p .build/docs
swift package --allow-writing-to-directory .build/docs generate-documentation --target LLM \
  --output-path .build/docs/LLM.doccarchive --warnings-as-errors >.build/docs.log 2>&1 || {
  echo "the documentation did not build; see .build/docs.log:" >&2
  grep -E "warning|error" .build/docs.log | head -40 >&2
  exit 1
}
echo "documentation in .build/docs/LLM.doccarchive" >&2
