"""Medians and spreads of Benchmarks/Gateway/gateway.sh's runs, as Markdown: requests/s at saturation, latency at
saturation, CPU seconds per 1,000 requests of the serving process, errors, and the ratios the goals are stated in.
Usage: summarize_gateway.py RESULTS.jsonl LITELLM_VERSION NGINX_VERSION"""
import json
import os
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
litellm_version, nginx_version = sys.argv[2], sys.argv[3]
variants = ["direct", "nginx", "sqlite", "postgres", "litellm"]
scenarios = ["openai-whole", "openai-stream", "anthropic-whole"]


def runs(variant, scenario):
    return [row for row in rows if row["variant"] == variant and row["scenario"] == scenario]


def median_spread(values):
    return statistics.median(values), min(values), max(values)


def answered(row):
    """Requests answered with a 2xx: wrk counts other answers as requests too, and an error page is no throughput."""
    return row["requests"] - row["errors_http"]


def rps(row):
    return answered(row) / row["seconds"]


lines = ["# Gateway performance (latest run)", ""]
lines.append(f"Rounds: {max(row['round'] for row in rows)}, alternated; wrk, 1 thread, 32 connections, at saturation, on this "
             f"{os.cpu_count()}-core machine (load average before the summary: {os.getloadavg()[0]:.2f}). "
             f"Peers: LiteLLM proxy {litellm_version} (2 workers, master key: no virtual keys without Prisma's engines), "
             f"{nginx_version}. llm-gateway runs with a key, RPM and TPM limits, a budget and the ledger on. "
             "Medians, with the spread (min to max) of the rounds.")
lines += ["", "| scenario | variant | answered requests/s (2xx) | p50 ms | p99 ms | p99.9 ms | CPU s / 1,000 req | errors |", "|---|---|---|---|---|---|---|---|"]
medians = {}
for scenario in scenarios:
    for variant in variants:
        found = runs(variant, scenario)
        if not found:
            continue
        throughput = median_spread([rps(row) for row in found])
        medians[(variant, scenario)] = throughput[0]
        p50 = statistics.median(row["p50_us"] for row in found) / 1000
        p99 = statistics.median(row["p99_us"] for row in found) / 1000
        p999 = statistics.median(row["p999_us"] for row in found) / 1000
        cpu_runs = [1000 * row["cpu"] / answered(row) for row in found if answered(row)]
        cpu = statistics.median(cpu_runs) if cpu_runs and variant not in ("direct", "nginx") else None
        errors = sum(row["errors_http"] + row["errors_socket"] for row in found)
        lines.append(f"| {scenario} | {variant} | {throughput[0]:,.0f} ({throughput[1]:,.0f}–{throughput[2]:,.0f}) | {p50:.2f} | {p99:.2f} | "
                     f"{p999:.2f} | {'' if cpu is None else f'{cpu:.3f}'} | {errors} |")

lines += ["", "| goal (non-streamed, every feature on) | measured | met |", "|---|---|---|"]
for store in ["sqlite", "postgres"]:
    ours = medians.get((store, "openai-whole"))
    litellm = medians.get(("litellm", "openai-whole"))
    nginx = medians.get(("nginx", "openai-whole"))
    if ours and litellm:
        lines.append(f"| {store}: at least 100x LiteLLM's requests/s | {ours / litellm:.1f}x | {'yes' if ours / litellm >= 100 else 'no'} |")
    if ours and nginx:
        lines.append(f"| {store}: at least a quarter of nginx proxy_pass | {ours / nginx:.2f} | {'yes' if ours / nginx >= 0.25 else 'no'} |")
print("\n".join(lines))
