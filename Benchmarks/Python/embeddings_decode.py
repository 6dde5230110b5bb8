"""The peer of EmbeddingBench: the official openai SDK reading the same embeddings reply (base64, the SDK's default
encoding, decoded by the SDK into lists of floats), served from memory by an httpx.MockTransport, so that what is
measured is the SDK's parsing and decoding, not a network. Prints one JSON line like EmbeddingBench's.
Usage: embeddings_decode.py BODY_FILE VECTORS ITERATIONS"""
import json
import resource
import statistics
import sys
import time

import httpx
import openai

body_file, vectors, iterations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(body_file, "rb") as handle:
    body = handle.read()


def answer(request):
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


client = openai.OpenAI(base_url="http://memory/v1", api_key="bench", max_retries=0,
                       http_client=httpx.Client(transport=httpx.MockTransport(answer)))
inputs = ["x"] * vectors
for _ in range(3):  # warm up
    client.embeddings.create(model="text-embedding-3-small", input=inputs)


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


times = []
cpu_before = cpu()
checksum = 0.0
for _ in range(iterations):
    start = time.perf_counter()
    reply = client.embeddings.create(model="text-embedding-3-small", input=inputs)
    times.append(time.perf_counter() - start)
    checksum += reply.data[-1].embedding[-1]
cpu_per_reply = (cpu() - cpu_before) / iterations
times.sort()


def percentile(p):
    return times[min(max(int(-(-p * len(times) // 1)) - 1, 0), len(times) - 1)]


print(json.dumps({"variant": "openai-python " + openai.__version__, "vectors": vectors, "median_ms": statistics.median(times) * 1000,
                  "p10_ms": percentile(0.1) * 1000, "p90_ms": percentile(0.9) * 1000, "cpu_ms": cpu_per_reply * 1000,
                  "checksum": checksum}, sort_keys=True))
