"""Writes the zero-latency upstream's two answers into DIR: whole.json (an OpenAI chat completion, 12 input and 3
output tokens) and stream.sse (the same as 100 SSE chunks, a usage chunk and [DONE])."""
import json
import sys

directory = sys.argv[1]
usage = {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
whole = {"id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "bench",
         "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there."}, "finish_reason": "stop"}],
         "usage": usage}
with open(f"{directory}/whole.json", "w") as file:
    file.write(json.dumps(whole, separators=(",", ":")))

events = []
for index in range(100):
    delta = {"role": "assistant", "content": "word "} if index == 0 else {"content": "word "}
    chunk = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000, "model": "bench",
             "choices": [{"index": 0, "delta": delta, "finish_reason": "stop" if index == 99 else None}]}
    events.append("data: " + json.dumps(chunk, separators=(",", ":")))
events.append("data: " + json.dumps({"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000,
                                     "model": "bench", "choices": [], "usage": usage}, separators=(",", ":")))
events.append("data: [DONE]")
with open(f"{directory}/stream.sse", "w") as file:
    file.write("\n\n".join(events) + "\n\n")
