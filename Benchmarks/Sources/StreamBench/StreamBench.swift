import BenchSupport
import Foundation
import LLM

/// Consumes a replayed transcript and reports the CPU it cost this process.
///
///     StreamBench --format openai|anthropic|gemini|ollama|openai-responses --server http://127.0.0.1:PORT
///                 [--layer LAYER] [--repeat 3] [--wire-events 20000]
///
/// The `provider` layer (default) is what an app does: `provider.stream(request)`, counting events,
/// over the library's default transport (`NIOHTTPTransport`). The other layers show where that CPU goes:
/// - `provider-ahc`: the whole `provider.stream()` over `AsyncHTTPClientTransport`, the other transport;
/// - `transport`: only reads the body through the library's default transport (`TransportBody`);
/// - `transport-ahc`: the same through `AsyncHTTPClientTransport`;
/// - `sse`: also splits it into SSE events or NDJSON lines, no JSON;
/// - `json` (OpenAI only): also decodes each event with Foundation's JSONDecoder into the wire shape,
///   as the library did before its own parser (a reference for that change);
/// - `ahc`: reads the body with AsyncHTTPClient directly, no library code;
/// - `nio`: reads the body with SwiftNIO's HTTP/1.1 codec alone, no client library: the floor of any
///   Swift client on SwiftNIO;
/// - `decode`: the whole `provider.stream()` over chunks recorded from the server once and replayed from
///   memory (`RecordedTransport`): the library's parsing and event delivery, no network;
/// - `keep`: the whole `provider.stream()`, keeping every event until the reply ends, as an app that records
///   them does; the result adds the process's peak resident memory (`peak_rss_mib`).
/// One unmeasured short transcript (`<format>-warmup`) first warms up the connection and lazy
/// initialisation; then `--repeat` whole transcripts are measured together.
@main
enum StreamBench {
    static func main() async throws {
        let options = Options()
        let format = options.string("format", default: "openai")
        let layer = options.string("layer", default: "provider")
        let server = options.string("server", default: "http://127.0.0.1:8089")
        let repeats = options.int("repeat", default: 3)
        let wireEvents = options.int("wire-events", default: 20000)
        let transport: any HTTPTransport =
            switch layer {
            case "decode": RecordedTransport()
            case "provider-ahc": AsyncHTTPClientTransport.shared
            default: NIOHTTPTransport.shared
            }
        let target = Target(format: format, server: server + "/stream/" + format, transport: transport)
        if layer == "decode" {
            _ = try await target.consume(layer: layer)  // records the transcript
        }

        // A short transcript of the same format, on the same HTTP client.
        _ = try await Target(format: format, server: server + "/stream/" + format + "-warmup", transport: transport)
            .consume(layer: layer)
        let cpuBefore = processCPUSeconds()
        let start = ContinuousClock.now
        var tally = Tally()
        for _ in 0..<repeats {
            tally.add(try await target.consume(layer: layer))
        }
        let wall = (ContinuousClock.now - start).seconds
        let cpu = processCPUSeconds() - cpuBefore
        // Chunk counts depend on socket reads, but every event and tool call must have come.
        let complete = ["transport", "transport-ahc", "ahc", "nio"].contains(layer) ? tally.items > 0 : tally.items >= wireEvents * repeats / 2
        guard complete, !["provider", "provider-ahc", "decode", "keep"].contains(layer) || tally.toolCalls == 40 * repeats else {
            log("unexpected stream: \(tally)")
            throw BenchmarkFailure.unexpectedStream
        }
        var result: [String: any Sendable] = [
            "bench": "stream", "consumer": layer == "provider" ? "swift-llm" : "swift-llm \(layer) layer",
            "format": format, "wire_events": wireEvents * repeats, "items": tally.items,
            "bytes": tally.bytes, "tool_calls": tally.toolCalls, "cpu_s": cpu, "wall_s": wall,
        ]
        if layer == "keep" { result["peak_rss_mib"] = residentMemoryMiB().hwm }
        emitResult(result)
    }
}

enum BenchmarkFailure: Error {
    case unexpectedStream
}

/// What one or more streams delivered: items (library events, SSE events, or chunks, by layer),
/// bytes of text or body, completed tool calls.
struct Tally: CustomStringConvertible {
    var items = 0
    var bytes = 0
    var toolCalls = 0

    mutating func add(_ other: Tally) {
        items += other.items
        bytes += other.bytes
        toolCalls += other.toolCalls
    }

    var description: String { "\(items) items, \(bytes) bytes, \(toolCalls) tool calls" }
}
