"""Consumes a replayed transcript with a Python client and reports the CPU it cost this process.

    stream_consumer.py CLIENT SERVER [REPEAT] [WIRE_EVENTS]

CLIENT is `openai`, `anthropic` or `openai-responses` (the official SDKs' streaming iterators; the
last is the openai SDK's `responses.create`) or `litellm-openai` /
`litellm-anthropic` (`litellm.completion(..., stream=True)`). SERVER is the replay server's root,
e.g. http://127.0.0.1:8089. As in the Swift consumer, one unmeasured stream first warms up imports
and the connection; then REPEAT streams are measured together with getrusage (all threads).
Prints one JSON line, as the Swift benchmarks do.
"""
import json
import os
import resource
import sys
import time

# LiteLLM fetches its model price map from the internet on import unless told not to: only the
# loopback replay server may be contacted.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_TELEMETRY", "False")
for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(proxy, None)

MESSAGES = [{"role": "user", "content": "Go"}]


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def make_stream(client, server):
    """A function that opens one stream and returns its iterator. `server` ends in the transcript's
    name: `<root>/stream/openai` or, for the warm-up, `<root>/stream/openai-warmup`."""
    if client == "openai":
        import openai
        sdk = openai.OpenAI(base_url=f"{server}/v1", api_key="bench", max_retries=0)
        return lambda: sdk.chat.completions.create(model="bench-model", messages=MESSAGES, stream=True)
    if client == "openai-responses":
        import openai
        sdk = openai.OpenAI(base_url=f"{server}/v1", api_key="bench", max_retries=0)
        return lambda: sdk.responses.create(model="bench-model", input="Go", stream=True)
    if client == "anthropic":
        import anthropic
        sdk = anthropic.Anthropic(base_url=f"{server}", api_key="bench", max_retries=0)
        return lambda: sdk.messages.create(model="bench-model", max_tokens=1024, messages=MESSAGES, stream=True)
    if client in ("litellm-openai", "litellm-anthropic"):
        import litellm
        litellm.telemetry = False
        if client == "litellm-openai":
            model, base = "openai/bench-model", f"{server}/v1"
        else:
            model, base = "anthropic/claude-sonnet-4-5", f"{server}"
        return lambda: litellm.completion(model=model, api_base=base, api_key="bench", messages=MESSAGES,
                                          max_tokens=1024, stream=True, num_retries=0)
    raise SystemExit(f"unknown client {client}")


def consume(open_stream):
    count = 0
    for _ in open_stream():
        count += 1
    return count


def curl(server, repeat, wire_events):
    """The floor: curl reading each transcript `repeat` times in one process, to /dev/null, minus
    the same curl reading an empty body as often (its start-up and requests)."""
    import subprocess

    def child_cpu(urls):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        args = ["curl", "-s", "--fail"]
        for url in urls:
            args += ["-o", "/dev/null", url]
        subprocess.run(args, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return cpu, time.monotonic() - start

    for fmt in ("openai", "anthropic", "gemini", "ollama", "openai-responses"):
        empty_cpu, _ = child_cpu([f"{server}/empty"] * repeat)
        cpu, wall = child_cpu([f"{server}/stream/{fmt}"] * repeat)
        print(json.dumps({"bench": "stream", "consumer": "curl", "format": fmt, "wire_events": wire_events * repeat,
                          "cpu_s": max(cpu - empty_cpu, 1e-6), "cpu_with_startup_s": cpu, "wall_s": wall},
                         sort_keys=True), flush=True)


def main():
    client, server = sys.argv[1], sys.argv[2]
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    wire_events = int(sys.argv[4]) if len(sys.argv) > 4 else 20000
    fmt = "anthropic" if client.endswith("anthropic") else "openai-responses" if client == "openai-responses" else "openai"
    if client == "curl":
        return curl(server, repeat, wire_events)
    open_stream = make_stream(client, f"{server}/stream/{fmt}")
    consume(make_stream(client, f"{server}/stream/{fmt}-warmup"))  # imports, lazy set-up
    cpu_before, start = cpu_seconds(), time.monotonic()
    items = sum(consume(open_stream) for _ in range(repeat))
    wall, cpu = time.monotonic() - start, cpu_seconds() - cpu_before
    if items < wire_events * repeat * 0.99:
        raise SystemExit(f"{client}: unexpected stream, {items} items")
    consumer = "litellm" if client.startswith("litellm") else "openai SDK" if client == "openai-responses" else f"{client} SDK"
    print(json.dumps({"bench": "stream", "consumer": consumer,
                      "format": fmt, "wire_events": wire_events * repeat, "items": items,
                      "cpu_s": cpu, "wall_s": wall}, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
