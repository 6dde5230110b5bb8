#!/usr/bin/env python3
"""Turns the JSON lines of one `scripts/bench.sh` run into the Markdown results table.

    summarize.py RESULTS.jsonl > latest.md

Every number is the median of the runs, with the spread (min-max) beside it; ratios are of medians.
"""
import json
import statistics
import sys
from collections import defaultdict

# The wire formats, in the order of the tables; `openai-responses` is the Responses API, which the openai SDK
# also streams.
FORMATS = ["openai", "anthropic", "gemini", "ollama", "openai-responses"]


def spread(values, digits=1):
    fmt = f"{{:,.{digits}f}}"
    if not values:
        return "n/a"
    median = fmt.format(statistics.median(values))
    if len(values) == 1:
        return f"{median} (1 run)"
    return f"{median} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def verdict(ok):
    return "**met**" if ok else "**not met**"


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    meta = next((r for r in rows if r.get("bench") == "meta"), {})
    loads = [r for r in rows if r.get("bench") == "load"]
    out = ["# swift-llm benchmarks", ""]
    if meta:
        out += [f"{meta.get('date', '')}; {meta.get('machine', '')}; {meta.get('swift', '')}; "
                f"Python clients: {meta.get('python', '')}.", ""]

    # 1. Stream decoding ------------------------------------------------------------------------
    per_event = defaultdict(list)  # (consumer, format) -> CPU µs per wire event, one per run
    rate = defaultdict(list)       # (consumer, format) -> wire events per wall-clock second
    by_run = defaultdict(dict)     # run phase -> (consumer, format) -> CPU µs per wire event in that run
    phase = None
    for r in rows:
        if r.get("bench") == "load":
            phase = r.get("phase")
        if r.get("bench") == "stream":
            key = (r["consumer"], r["format"])
            per_event[key].append(r["cpu_s"] / r["wire_events"] * 1e6)
            rate[key].append(r["wire_events"] / r["wall_s"])
            by_run[phase][key] = r["cpu_s"] / r["wire_events"] * 1e6
    if per_event:
        def median(consumer, fmt):
            values = per_event.get((consumer, fmt))
            return statistics.median(values) if values else None

        out += ["## 1. Stream decoding (20,000 wire events per transcript, loopback replay, one HTTP chunk per event)", "",
                "CPU of the consuming process (user+sys, all threads) per wire event, and wall-clock events per "
                "second. Ratios are of medians.", "",
                "| consumer | format | runs | CPU µs / event | events / s | vs swift-llm |",
                "|---|---|---|---|---|---|"]
        order = ["swift-llm", "openai SDK", "anthropic SDK", "litellm", "curl"]
        keys = sorted((k for k in per_event if k[0] in order), key=lambda k: (order.index(k[0]), k[1]))
        for consumer, fmt in keys:
            base = median("swift-llm", fmt)
            mine = median(consumer, fmt)
            if consumer == "swift-llm" or base is None:
                ratio = ""
            elif consumer == "curl":
                ratio = f"swift-llm uses {base / mine:,.0f}x curl's CPU"
            else:
                ratio = f"uses {mine / base:,.1f}x swift-llm's CPU"
            out.append(f"| {consumer} | {fmt} | {len(per_event[(consumer, fmt)])} | "
                       f"{spread(per_event[(consumer, fmt)], 2)} | {spread(rate[(consumer, fmt)], 0)} | {ratio} |")
        layers = [("swift-llm nio layer", "SwiftNIO's HTTP/1.1 codec alone reads the body, no client library: the floor of any Swift client on SwiftNIO"),
                  ("swift-llm ahc layer", "AsyncHTTPClient alone reads the body"),
                  ("swift-llm transport-ahc layer", "`AsyncHTTPClientTransport` reads the body (`TransportBody`)"),
                  ("swift-llm transport layer", "the library's default transport, `NIOHTTPTransport`, reads the body (`TransportBody`)"),
                  ("swift-llm sse layer", "+ SSE / NDJSON splitting"),
                  ("swift-llm json layer", "reference: transport + SSE + Foundation's JSONDecoder into the wire type (the library's parsing before this change)"),
                  ("swift-llm", "the whole `provider.stream()`: + mapping, retry gate, event stream to the app"),
                  ("swift-llm decode layer", "the whole `provider.stream()` over chunks replayed from memory: the library's parsing and event delivery, no network"),
                  ("swift-llm provider-ahc layer", "the whole `provider.stream()` over `AsyncHTTPClientTransport` instead of the default")]
        formats = FORMATS
        out += ["", "Where swift-llm's CPU goes (CPU µs per wire event, median and spread of the runs):", "",
                "| layer | what runs | " + " | ".join(formats) + " |", "|---|---|" + "---|" * len(formats)]
        for consumer, what in layers:
            if any((consumer, f) in per_event for f in formats):
                cells = [spread(per_event[(consumer, f)], 2) if (consumer, f) in per_event else "" for f in formats]
                out.append(f"| {consumer.replace('swift-llm ', '').replace(' layer', '') if consumer != 'swift-llm' else 'provider'} "
                           f"| {what} | " + " | ".join(cells) + " |")
        out += ["", "Goals:"]
        for peer in ("openai SDK", "anthropic SDK", "litellm"):
            for fmt in ("openai", "anthropic", "openai-responses"):
                if median(peer, fmt) and median("swift-llm", fmt):
                    r = median(peer, fmt) / median("swift-llm", fmt)
                    # The same ratio run by run (each run measures both within minutes): how much of the
                    # verdict is the machine drifting between runs.
                    paired = [run[(peer, fmt)] / run[("swift-llm", fmt)] for run in by_run.values()
                              if (peer, fmt) in run and ("swift-llm", fmt) in run]
                    per_run = (f"; run by run {min(paired):,.1f}–{max(paired):,.1f}x, median {statistics.median(paired):,.1f}x, "
                               f"at least 20x in {sum(p >= 20 for p in paired)} of {len(paired)}") if len(paired) > 1 else ""
                    out.append(f"- swift-llm vs {peer} ({fmt}): {r:,.1f}x less CPU per event "
                               f"(goal ≥ 20x): {verdict(r >= 20)}{per_run}")
        for fmt in FORMATS:
            if median("curl", fmt) and median("swift-llm", fmt):
                r = median("swift-llm", fmt) / median("curl", fmt)
                out.append(f"- swift-llm vs curl ({fmt}): {r:,.0f}x curl's CPU per event (goal ≤ 3x): {verdict(r <= 3)}")
        # Context for the curl goal: the HTTP client the library is built on, reading the same body.
        for fmt in FORMATS:
            if median("swift-llm ahc layer", fmt) and median("swift-llm", fmt):
                r = median("swift-llm", fmt) / median("swift-llm ahc layer", fmt)
                c = median("swift-llm ahc layer", fmt) / median("curl", fmt) if median("curl", fmt) else None
                out.append(f"- for scale ({fmt}): AsyncHTTPClient alone, reading the same body without parsing it, "
                           f"uses {c:,.0f}x curl's CPU; swift-llm uses {r:,.1f}x AsyncHTTPClient's" if c else
                           f"- for scale ({fmt}): swift-llm uses {r:,.1f}x the CPU of AsyncHTTPClient alone")
        # The best the library could do on SwiftNIO: its parsing (decode layer) over a transport that costs
        # no more than SwiftNIO's own HTTP codec (nio layer).
        for fmt in FORMATS:
            nio, decode = median("swift-llm nio layer", fmt), median("swift-llm decode layer", fmt)
            if nio and decode:
                bound = nio + decode
                parts = [f"{bound:.2f} µs per event"]
                if median("curl", fmt):
                    parts.append(f"{bound / median('curl', fmt):,.0f}x curl's CPU (SwiftNIO's codec alone: "
                                 f"{nio / median('curl', fmt):,.1f}x)")
                for peer in ("openai SDK", "anthropic SDK"):
                    if median(peer, fmt):
                        parts.append(f"{median(peer, fmt) / bound:,.1f}x less than the {peer}")
                out.append(f"- bound ({fmt}): the library's parsing over a transport as cheap as SwiftNIO's codec: "
                           + "; ".join(parts))
        # The other transport, for comparison: the whole stream over AsyncHTTPClient.
        for fmt in FORMATS:
            ahc, mine = median("swift-llm provider-ahc layer", fmt), median("swift-llm", fmt)
            if ahc and mine:
                parts = [f"{ahc:.2f} µs per event, {ahc / mine:,.2f}x the default transport's"]
                for peer in ("openai SDK", "anthropic SDK"):
                    if median(peer, fmt):
                        parts.append(f"{median(peer, fmt) / ahc:,.1f}x less than the {peer}")
                out.append(f"- over `AsyncHTTPClientTransport` ({fmt}, `provider-ahc` layer): " + "; ".join(parts))
        out.append("")

    # 2. Request overhead -----------------------------------------------------------------------
    overhead = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r.get("bench") == "overhead":
            key = (r["concurrency"], r["pool"])
            for field in ("bare_p50_us", "bare_p99_us", "transport_p50_us", "transport_p99_us", "provider_p50_us",
                          "provider_p99_us", "added_p50_us", "added_p99_us", "transport_added_p50_us",
                          "transport_added_p99_us", "bare_cpu_us", "transport_cpu_us", "provider_cpu_us"):
                if field in r:
                    overhead[key][field].append(r[field])
    if overhead:
        out += ["## 2. Request overhead (10,000 non-streamed requests each, zero-latency loopback stub)", "",
                "Added = percentile of `OpenAIProvider.complete()` minus the same percentile of a bare AsyncHTTPClient "
                "call of the same request, alternated in the same process on the same client. µs.", "",
                "| concurrency | client pool | bare p50 | bare p99 | provider p50 | provider p99 | **added p50** | **added p99** | of which transport p50 | of which transport p99 |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for (concurrency, pool), f in sorted(overhead.items()):
            pool_name = "bare client: one connection per worker" if pool == "sized" else "bare client: AsyncHTTPClient's default pool (8 per host)"
            out.append(f"| {concurrency} | {pool_name} | {spread(f['bare_p50_us'])} | {spread(f['bare_p99_us'])} | "
                       f"{spread(f['provider_p50_us'])} | {spread(f['provider_p99_us'])} | "
                       f"{spread(f['added_p50_us'])} | {spread(f['added_p99_us'])} | "
                       f"{spread(f['transport_added_p50_us'])} | {spread(f['transport_added_p99_us'])} |")
        cpu = overhead.get((1, "sized"), {})
        if cpu.get("bare_cpu_us"):
            out += ["", "CPU per request, 2,000 sequential calls of one kind (µs): bare AsyncHTTPClient "
                        f"{spread(cpu['bare_cpu_us'])}, library transport {spread(cpu['transport_cpu_us'])}, "
                        f"`OpenAIProvider.complete()` {spread(cpu['provider_cpu_us'])}."]
        out += ["", "Goal (p99 added < 100 µs):"]
        for (concurrency, pool), f in sorted(overhead.items()):
            if pool == "sized":
                p99 = statistics.median(f["added_p99_us"])
                out.append(f"- concurrency {concurrency}: {p99:,.1f} µs: {verdict(p99 < 100)}")
        out.append("")

    # 3. Memory ---------------------------------------------------------------------------------
    memory = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r.get("bench") == "memory":
            for field in ("opened", "open_s", "baseline_rss_mib", "peak_rss_mib", "hwm_mib", "kib_per_stream"):
                memory[(r["streams"], r.get("transport", "nio"))][field].append(r[field])
    if memory:
        out += ["## 3. Memory with concurrent open streams (server sends one event per second per stream)", "",
                "| streams | transport | opened | seconds to open all | baseline RSS MiB | peak RSS MiB | VmHWM MiB | KiB per stream |",
                "|---|---|---|---|---|---|---|---|"]
        for (streams, transport), f in sorted(memory.items(), key=lambda item: item[0][1] != "nio"):
            transport_name = "the library's default (`NIOHTTPTransport.shared`)" if transport == "nio" else "`AsyncHTTPClientTransport`, one connection per stream"
            out.append(f"| {streams} | {transport_name} | {spread(f['opened'], 0)} | {spread(f['open_s'])} | "
                       f"{spread(f['baseline_rss_mib'])} | {spread(f['peak_rss_mib'])} | {spread(f['hwm_mib'])} | "
                       f"{spread(f['kib_per_stream']) if min(f['opened']) == streams else '–'} |")
        for (streams, transport), f in sorted(memory.items()):
            if transport == "nio":
                hwm = statistics.median(f["hwm_mib"])
                all_open = min(f["opened"]) == streams
                out += ["", f"Goal (under 150 MB with {streams} open streams): VmHWM {hwm:,.1f} MiB = "
                            f"{hwm * 1.048576:,.1f} MB, all streams open in every run: {all_open}: "
                            f"{verdict(hwm * 1.048576 < 150 and all_open)}"]
        out.append("")

    if loads:
        out += ["## Machine load (`uptime` load averages 1/5/15 min, before each phase; 2 cores)", ""]
        out += [f"- {r['phase']}: {r['load']}" for r in loads]
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
