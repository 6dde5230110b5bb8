#!/usr/bin/env python3
"""Writes the replay transcripts: 20,000 wire events per provider, text then tool calls.

Every event is built from an event of the conformance fixtures
(Tests/LLMTests/Fixtures/conformance/<format>/*.stream) with only its text, arguments or ids
changed, so the transcripts have the real wire shapes the providers are tested against.

    make_transcripts.py FIXTURES_DIR OUT_DIR [EVENTS]

Also writes `<provider>-warmup` transcripts of 200 events: consumers warm up on those, so an
unmeasured warm-up does not cost a slow client a whole transcript.
"""
import copy
import json
import os
import sys

TOOL_CALLS = 40  # calls per full transcript, after the text
# A varied token mix: plain words, punctuation, newlines, quotes and non-ASCII, as models emit.
TOKENS = [" The", " stream", "ing", " decoder", " reads", " each", " event", ",", " then", " maps",
          " it", ".", "\n", " A", " \"quoted\"", " café", " naïve", " 東京", " 42", " tokens", " —",
          " and", " tool", " calls", "!", "\n\n", " **bold**", " `code`", " über", " résumé"]


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def read_events(path):
    """The JSON payloads of a fixture: SSE `data:` lines, or NDJSON lines."""
    events = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("data: "):
                line = line[6:]
            elif line.startswith(("event:", ":")) or not line.strip():
                continue
            if line != "[DONE]":
                events.append(json.loads(line))
    return events


def tokens(count):
    return [TOKENS[i % len(TOKENS)] for i in range(count)]


def arguments(call, fragments):
    """A tool call's JSON arguments split into `fragments` pieces (anywhere, as models stream them)."""
    body = {"path": f"Sources/App/File{call}.swift",
            "content": "".join(TOKENS[(call + i) % len(TOKENS)] for i in range(fragments * 2))}
    text = compact(body)
    step = max(1, len(text) // fragments)
    pieces = [text[i * step:(i + 1) * step] for i in range(fragments - 1)]
    pieces.append(text[(fragments - 1) * step:])
    return body, pieces


def sse(data, event=None):
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n"


def openai(fixtures, total):
    calls = min(TOOL_CALLS, total // 100)
    text = read_events(f"{fixtures}/openai/streamed-text.stream")
    tools = read_events(f"{fixtures}/openai/parallel-tool-calls.stream")
    role, delta, finish, usage = text[0], text[1], text[3], text[4]
    per_call = (total - 4) // calls // 4  # a quarter of the events are tool-call fragments
    n_text = total - 4 - calls * per_call
    out = [sse(compact(role))]
    for token in tokens(n_text):
        event = copy.deepcopy(delta)
        event["choices"][0]["delta"]["content"] = token
        out.append(sse(compact(event)))
    for call in range(calls):
        _, pieces = arguments(call, per_call - 1)
        start = copy.deepcopy(tools[0])
        start["choices"][0]["delta"]["tool_calls"][0].update(index=call, id=f"call_{call}")
        out.append(sse(compact(start)))
        for piece in pieces:
            event = copy.deepcopy(tools[1])
            event["choices"][0]["delta"]["tool_calls"][0].update(index=call, function={"arguments": piece})
            out.append(sse(compact(event)))
    finish["choices"][0]["finish_reason"] = "tool_calls"
    out += [sse(compact(finish)), sse(compact(usage)), sse("[DONE]")]
    return out


def anthropic(fixtures, total):
    calls = min(TOOL_CALLS, total // 100)
    text = read_events(f"{fixtures}/anthropic/streamed-text.stream")
    tools = read_events(f"{fixtures}/anthropic/parallel-tool-calls.stream")
    start, block, ping, delta, stop, message_delta, message_stop = (
        text[0], text[1], text[2], text[3], text[5], text[6], text[7])
    per_call = (total - 6) // calls // 4
    n_text = total - 6 - calls * per_call
    out = [sse(compact(start), "message_start"), sse(compact(block), "content_block_start"), sse(compact(ping), "ping")]
    for token in tokens(n_text):
        delta["delta"]["text"] = token
        out.append(sse(compact(delta), "content_block_delta"))
    out.append(sse(compact(stop), "content_block_stop"))
    for call in range(calls):
        index = call + 1
        _, pieces = arguments(call, per_call - 2)
        block_start = copy.deepcopy(tools[1])
        block_start["index"] = index
        block_start["content_block"]["id"] = f"toolu_{call}"
        out.append(sse(compact(block_start), "content_block_start"))
        for piece in pieces:
            out.append(sse(compact({"type": "content_block_delta", "index": index,
                                    "delta": {"type": "input_json_delta", "partial_json": piece}}), "content_block_delta"))
        out.append(sse(compact({"type": "content_block_stop", "index": index}), "content_block_stop"))
    message_delta["delta"]["stop_reason"] = "tool_use"
    out += [sse(compact(message_delta), "message_delta"), sse(compact(message_stop), "message_stop")]
    return out


def gemini(fixtures, total):
    calls = min(TOOL_CALLS, total // 100)
    text = read_events(f"{fixtures}/gemini/streamed-text.stream")
    tools = read_events(f"{fixtures}/gemini/parallel-tool-calls.stream")
    delta, last = text[0], text[1]
    n_text = total - calls - 1
    out = []
    for token in tokens(n_text):
        delta["candidates"][0]["content"]["parts"][0]["text"] = token
        out.append(sse(compact(delta)))
    for call in range(calls):
        # Gemini sends each function call whole, with its arguments as an object.
        event = copy.deepcopy(tools[1])
        del event["candidates"][0]["finishReason"]
        event["candidates"][0]["content"]["parts"][0]["functionCall"]["args"] = arguments(call, 100)[0]
        out.append(sse(compact(event)))
    out.append(sse(compact(last)))
    return out


def ollama(fixtures, total):
    calls = min(TOOL_CALLS, total // 100)
    text = read_events(f"{fixtures}/ollama/streamed-text.stream")
    tools = read_events(f"{fixtures}/ollama/parallel-tool-calls.stream")
    delta, done = text[0], text[2]
    n_text = total - calls - 1
    out = []
    for token in tokens(n_text):
        delta["message"]["content"] = token
        out.append(compact(delta) + "\n")
    for call in range(calls):
        # Ollama sends each tool call whole, one per line here.
        event = copy.deepcopy(tools[0])
        one = event["message"]["tool_calls"][0]
        one["id"] = f"call_{call}"
        one["function"].update(index=call, arguments=arguments(call, 100)[0])
        event["message"]["tool_calls"] = [one]
        out.append(compact(event) + "\n")
    out.append(compact(done) + "\n")
    return out


def openai_responses(fixtures, total):
    calls = min(TOOL_CALLS, total // 100)
    text = read_events(f"{fixtures}/openai-responses/streamed-text.stream")
    tools = read_events(f"{fixtures}/openai-responses/parallel-tool-calls.stream")
    created, progress, item_added, part_added, delta, text_done, part_done, item_done, completed = (
        text[0], text[1], text[2], text[3], text[4], text[6], text[7], text[8], text[9])
    call_added, call_delta, call_done, call_item_done = tools[2], tools[3], tools[6], tools[7]
    per_call = (total - 8) // calls // 4  # events per call: added, fragments, arguments done, item done
    n_text = total - 8 - calls * per_call
    events = [created, progress, item_added, part_added]
    words = tokens(n_text)
    for token in words:
        event = copy.deepcopy(delta)
        event["delta"] = token
        events.append(event)
    whole = "".join(words)
    text_done["text"] = whole
    part_done["part"]["text"] = whole
    item_done["item"]["content"][0]["text"] = whole
    events += [text_done, part_done, item_done]
    for call in range(calls):
        body, pieces = arguments(call, per_call - 3)
        item_id, output_index = f"fc_{call}", call + 1
        added = copy.deepcopy(call_added)
        added.update(output_index=output_index)
        added["item"].update(id=item_id, call_id=f"call_{call}")
        events.append(added)
        for piece in pieces:
            event = copy.deepcopy(call_delta)
            event.update(item_id=item_id, output_index=output_index, delta=piece)
            events.append(event)
        done = copy.deepcopy(call_done)
        done.update(item_id=item_id, output_index=output_index, arguments=compact(body))
        item = copy.deepcopy(call_item_done)
        item.update(output_index=output_index)
        item["item"].update(id=item_id, call_id=f"call_{call}", arguments=compact(body))
        events += [done, item]
    events.append(completed)
    out = []
    for number, event in enumerate(events):
        event["sequence_number"] = number
        out.append(sse(compact(event), event["type"]))
    return out


def main():
    fixtures, out_dir = sys.argv[1], sys.argv[2]
    total = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    os.makedirs(out_dir, exist_ok=True)
    for name, make, ext in [("openai", openai, "sse"), ("anthropic", anthropic, "sse"),
                            ("gemini", gemini, "sse"), ("ollama", ollama, "ndjson"),
                            ("openai-responses", openai_responses, "sse")]:
        for suffix, count in (("", total), ("-warmup", 200)):
            events = make(fixtures, count)
            assert len(events) == count, (name, len(events))
            data = "".join(events).encode("utf-8")
            with open(f"{out_dir}/{name}{suffix}.{ext}", "wb") as f:
                f.write(data)
            print(f"{name}{suffix}: {len(events)} events, {len(data)} bytes")


if __name__ == "__main__":
    main()
