#!/usr/bin/env bash
# Regenerates the seed corpus under Fuzz/Corpus/<target>/ from the test fixtures (run from anywhere).
# Each seed is the fuzzer's control bytes followed by a recorded wire body, so the fuzzers start from
# real provider traffic. The seeds are committed; rerun this after adding fixtures.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../Tests/LLMTests/Fixtures
rm -rf Corpus
mkdir -p Corpus

# seed TARGET NAME CONTROL-BYTES(printf format) FILE
seed() {
  mkdir -p "Corpus/$1"
  { printf "$3"; cat "$4"; } > "Corpus/$1/$2"
}

# Decoders: one chunking byte (0 = whole, 0x83 = uneven chunks of 1..4 bytes).
for file in "$fixtures"/*/*.sse "$fixtures"/conformance/{openai,anthropic,openai-responses,gemini}/*.stream; do
  base=$(basename "$(dirname "$file")")-$(basename "$file")
  seed FuzzSSEDecoder "$base" '\x00' "$file"
done
for file in "$fixtures"/conformance/{openai,anthropic}/streamed-text.stream; do
  seed FuzzSSEDecoder "uneven-$(basename "$(dirname "$file")")" '\x83' "$file"
done
for file in "$fixtures"/ollama/*.ndjson "$fixtures"/conformance/ollama/*.stream; do
  seed FuzzNDJSONDecoder "$(basename "$file")" '\x00' "$file"
done
seed FuzzNDJSONDecoder uneven-streamed-text '\x83' "$fixtures/conformance/ollama/streamed-text.stream"

# Providers: [chunking][flags][header length][header][body]. Flags: status index in bits 0-3 (0 = 200;
# 8..15 = 400 401 403 404 429 500 503 529), 0x10 tools, 0x20 complete(), 0x40 JSON schema, 0x80 retry-after-ms.
status_index() {
  case $1 in 400) echo 8 ;; 401) echo 9 ;; 403) echo 10 ;; 404) echo 11 ;; 429) echo 12 ;; 500) echo 13 ;; 503) echo 14 ;; 529) echo 15 ;; esac
}
kind_status() { # provider kind
  case $2 in
    authentication) [ "$1" = gemini ] && echo 400 || echo 401 ;;
    permission_denied) echo 403 ;; model_not_found) echo 404 ;; invalid_request | context_length_exceeded) echo 400 ;;
    rate_limited) echo 429 ;; server_error) echo 500 ;; overloaded) [ "$1" = anthropic ] && echo 529 || echo 503 ;;
  esac
}
for pair in openai:FuzzOpenAIStream anthropic:FuzzAnthropicStream openai-responses:FuzzResponsesStream \
  gemini:FuzzGeminiStream ollama:FuzzOllamaStream; do
  provider=${pair%%:*}
  target=${pair#*:}
  conformance=$fixtures/conformance/$provider
  for file in "$conformance"/*.stream; do
    seed "$target" "$(basename "$file")" '\x00\x10\x00' "$file"
  done
  seed "$target" "uneven-streamed-text" '\x85\x00\x00' "$conformance/streamed-text.stream"
  for file in "$conformance"/{plain-text,tool-call,json-schema,usage,stop-length,tool-result-reply}.json; do
    seed "$target" "complete-$(basename "$file")" '\x00\x30\x00' "$file"
  done
  for file in "$conformance"/error-*.json; do
    kind=$(basename "$file" .json)
    kind=${kind#error-}
    index=$(status_index "$(kind_status "$provider" "$kind")")
    seed "$target" "$kind-status" "\\x00\\x$(printf %02x "$index")\\x01\\x37" "$file"
  done
  dir=$fixtures/$provider
  for file in "$dir"/*.sse "$dir"/*.ndjson; do
    [ -e "$file" ] || continue
    seed "$target" "$(basename "$file")" '\x00\x10\x00' "$file"
  done
done
seed FuzzAnthropicStream structured-output-tool-schema '\x00\x50\x00' "$fixtures/anthropic/structured-output-tool.sse"

# Tool arguments: mode 0 parses the text; mode 1 feeds ToolCallAssembler fragments
# (control byte: 1 index, 2 id, 4 name, 8 arguments, 0x40 negative index; then the bytes they need).
mkdir -p Corpus/FuzzToolArguments
args=0
for text in '{"city":"Paris"}' '{"a":[1,2.5,-0,1e3,{"b":null}],"c":true,"d":"\u00e9\ud83d\ude00"}' '{"city": "Par' \
  '[1,2]' '' '  {}  ' '"text"' '{"n":12345678901234567890}' '{"deep":[[[[{"x":[]}]]]]}'; do
  args=$((args + 1))
  { printf '\x00'; printf '%s' "$text"; } > "Corpus/FuzzToolArguments/parse-$args"
done
# index 0, id "a", name "get_weather", arguments '{"ci' ; then index 0, arguments 'ty":"Paris"}'
printf '\x01\x0f\x00\x01\x03\x04{"ci\x09\x00\x0cty":"Paris"}' > Corpus/FuzzToolArguments/assemble-one-call
# two calls by index, the second's name late, and one fragment with neither index nor id
printf '\x01\x0d\x00\x01\x02\x09\x01\x02{}\x09\x00\x03\x7d\x7d\x7d\x05\x01\x02\x08\x01\x7b' > Corpus/FuzzToolArguments/assemble-two-calls

# JSON parser: the raw document, no control bytes; valid and invalid.
mkdir -p Corpus/FuzzJSONParser
json() { printf '%s' "$2" > "Corpus/FuzzJSONParser/$1"; }
json nested '{"a":[1,2.5,{"b":null,"c":[true,false]}],"d":{},"e":[],"f":""}'
json whitespace $' \t\r\n[ true , false ,null ] \n'
json escapes '"\"\\\/\b\f\n\r\t\u0041\u00E9\u0000\u001f"'
json surrogate-pair '{"\ud83d\ude00":"\uD83D\uDE00"}'
json lone-surrogates '["\ud800","\udc00","\ud800x","\ud800\u0041","\ud800\ud800\udc00"]'
json numbers '[0,-0,-0.0,0.5,4.0,1E+2,-1e-2,123.456e-7,1e-400,9223372036854775807,-9223372036854775808]'
json int-overflow '[9223372036854775808,-9223372036854775809,18446744073709551616]'
json exponent-overflow '1e400'
json duplicate-keys '{"b":1,"a":2,"b":3,"\u00e9":4,"e\u0301":5}'
json trailing-comma-array '[1,2,]'
json trailing-comma-object '{"a":1,}'
json leading-zero '[01]'
json unterminated '{"a":"b'
printf '"a\x01b"' > Corpus/FuzzJSONParser/raw-control-character
printf '"\xff\xc3(\xed\xa0\x80"' > Corpus/FuzzJSONParser/invalid-utf8
# 512 levels is the limit; 513 is refused.
{ printf '%.0s[' $(seq 512); printf '%.0s]' $(seq 512); } > Corpus/FuzzJSONParser/deep-512
{ printf '%.0s[' $(seq 513); printf '%.0s]' $(seq 513); } > Corpus/FuzzJSONParser/deep-513

# Server-side request decoders: [format byte: 0 OpenAI, 1 Anthropic, 2 Gemini, 3 Ollama][request body].
mkdir -p Corpus/FuzzServerRequests
printf '\x00{"model":"m","stream":true,"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto","max_tokens":5,"stop":["x"],"response_format":{"type":"json_object"}}' > Corpus/FuzzServerRequests/openai
printf '\x01{"model":"m","max_tokens":5,"system":"s","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]},{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"sig"},{"type":"tool_use","id":"t1","name":"f","input":{"a":1}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"thinking":{"type":"enabled","budget_tokens":1024}}' > Corpus/FuzzServerRequests/anthropic
printf '\x02{"contents":[{"role":"user","parts":[{"text":"hi"},{"inlineData":{"mimeType":"image/png","data":"AA=="}}]},{"role":"model","parts":[{"text":"t","thought":true,"thoughtSignature":"sig"},{"functionCall":{"name":"f","args":{"a":1}}}]},{"role":"user","parts":[{"functionResponse":{"name":"f","response":{"result":"ok"}}}]}],"systemInstruction":{"parts":[{"text":"s"}]},"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT"}}]}],"generationConfig":{"maxOutputTokens":5,"responseMimeType":"application/json"}}' > Corpus/FuzzServerRequests/gemini
printf '\x03{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"hi","images":["AA=="]},{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]},{"role":"tool","tool_name":"f","content":"ok"}],"options":{"num_predict":5,"stop":["x"]},"format":"json","think":true}' > Corpus/FuzzServerRequests/ollama

echo "seeds: $(find Corpus -type f | wc -l) files in $(ls Corpus | wc -l) targets"
