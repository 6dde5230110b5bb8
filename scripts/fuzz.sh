#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs each for N seconds on its seed corpus.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]     default: 60 seconds, every target
#
# The build is a separate package (Fuzz/, every module instrumented with -sanitize=fuzzer) in its own
# scratch folder, .build-fuzz, so it never touches the main .build. New inputs go to
# .build-fuzz/corpus/<target>/ (the committed seeds in Fuzz/Corpus/<target>/ are only read); a crash
# is saved as .build-fuzz/artifacts/<target>/crash-<sha1>, replayed with `<binary> <file>`.
# Exits 1 if any target crashed. Needs Swift 6.1+ on Linux (libFuzzer ships with the toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all=(FuzzSSEDecoder FuzzNDJSONDecoder FuzzToolArguments
  FuzzOpenAIStream FuzzAnthropicStream FuzzResponsesStream FuzzGeminiStream FuzzOllamaStream FuzzJSONParser FuzzJSONDifferential
  FuzzServerRequests)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

scratch=.build-fuzz
build=(swift build --package-path Fuzz --scratch-path "$scratch" -c debug -Xswiftc -sanitize=fuzzer)
# The fuzz package resolves the same dependency pins as the root one.
if [ -f Package.resolved ] && [ ! -f Fuzz/Package.resolved ]; then cp Package.resolved Fuzz/Package.resolved; fi
"${build[@]}"
bin=$("${build[@]}" --show-bin-path)

# Swift's backtracer would catch the crash signal first and libFuzzer would not save the input.
export SWIFT_BACKTRACE=enable=no

mkdir -p "$scratch/logs"
summary=()
crashed=0
for target in "${targets[@]}"; do
  corpus=$scratch/corpus/$target
  artifacts=$scratch/artifacts/$target
  log=$scratch/logs/$target.log
  mkdir -p "$corpus" "$artifacts"
  echo "== $target: ${seconds}s"
  set +e
  "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -dict=Fuzz/llm.dict -artifact_prefix="$artifacts/" "$corpus" "Fuzz/Corpus/$target" >"$log" 2>&1
  status=$?
  set -e
  # The last status line: "#N  DONE  cov: C ft: F corp: K/S ..." (or the last pulse before a crash).
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log")
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$last")
  if [ "$status" -ne 0 ]; then
    crashed=1
    result="CRASH ($(ls "$artifacts" | head -1)), see $log"
  else
    result="ok"
  fi
  summary+=("$(printf '%-20s %10s runs %7s exec/s  cov %5s  ft %6s  corpus %-12s %s' \
    "$target" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")")
  echo "${summary[-1]}"
done

echo
echo "fuzz summary (${seconds}s per target):"
printf '%s\n' "${summary[@]}"
exit "$crashed"
