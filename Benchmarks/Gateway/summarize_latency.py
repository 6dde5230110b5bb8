"""Summarises LoadGen's fixed-rate runs (gateway-latency.jsonl) and the held-streams memory (gateway-memory.jsonl) as
Markdown: per variant, rate and scenario, the medians over rounds of p50 / p99 / p99.9, and the latency each variant
adds over going direct at the same rate in the same round (median and spread of the rounds). A variant that could not
keep up with a rate (fewer than 95% of the requests answered 200 within the run) is marked so rather than averaged.
Usage: summarize_latency.py LATENCY_JSONL MEMORY_JSONL"""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
runs = defaultdict(list)
for row in rows:
    runs[(row["variant"], row["scenario"], row["rate"])].append(row)
direct = {(r["round"], r["scenario"], r["rate"]): r for r in rows if r["variant"] == "direct"}


def ms(us):
    return f"{us / 1000:.2f}"


def spread(values):
    return f"{ms(min(values))}-{ms(max(values))}" if values else ""


print("| variant | scenario | rate/s | p50 ms | p99 ms | p99.9 ms | added p50 ms | added p99 ms (rounds) | added p99.9 ms | errors |")
print("|---|---|---|---|---|---|---|---|---|---|")
order = ["direct", "nginx", "sqlite", "postgres", "litellm"]
for (variant, scenario, rate) in sorted(runs, key=lambda k: (k[1], k[2], order.index(k[0]) if k[0] in order else 9)):
    group = runs[(variant, scenario, rate)]
    errors = sum(r["failed"] for r in group)
    kept = [r for r in group if r["ok"] >= 0.95 * r["sent"]]
    if len(kept) < len(group):
        print(f"| {variant} | {scenario} | {rate:.0f} | cannot keep up ({len(group) - len(kept)} of {len(group)} rounds) | | | | | | {errors} |")
        continue
    key = "ttfb_" if scenario.endswith("stream") else ""
    p50 = statistics.median(r[key + "p50_us"] for r in kept)
    p99 = statistics.median(r[key + "p99_us"] for r in kept)
    p999 = statistics.median(r["p999_us"] for r in kept)
    added = defaultdict(list)
    for r in kept:
        base = direct.get((r["round"], scenario, rate))
        if base is None or variant == "direct":
            continue
        for name in ("p50_us", "p99_us", "p999_us"):
            field = key + name if name != "p999_us" else name
            added[name].append(r[field] - base[field])
    a50 = ms(statistics.median(added["p50_us"])) if added["p50_us"] else ""
    a99 = f"{ms(statistics.median(added['p99_us']))} ({spread(added['p99_us'])})" if added["p99_us"] else ""
    a999 = ms(statistics.median(added["p999_us"])) if added["p999_us"] else ""
    print(f"| {variant} | {scenario}{' (first byte)' if key else ''} | {rate:.0f} | {ms(p50)} | {ms(p99)} | {ms(p999)} | {a50} | {a99} | {a999} | {errors} |")

memory = [json.loads(line) for line in open(sys.argv[2]) if line.strip()] if len(sys.argv) > 2 else []
if memory:
    print()
    print("| streams held open through llm-gateway (SQLite) | opened in s | resident MiB | peak MiB | failed |")
    print("|---|---|---|---|---|")
    for m in memory:
        print(f"| {m['streams']} | {m['open_seconds']:.2f} | {m['rss_mib']:.1f} | {m['hwm_mib']:.1f} | {m['failed']} |")
