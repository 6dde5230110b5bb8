import AsyncHTTPClient
import BenchSupport
import LLM

/// Resident memory of this process with many streams open at once.
///
///     MemoryBench --server http://127.0.0.1:PORT [--streams 1000] [--ticks 30] [--sample-seconds 5]
///                 [--open-timeout 60] [--transport nio|ahc]
///
/// Each stream is an `OpenAIProvider.stream` to `/hold/<ticks>`, where the server sends one event
/// per tick (a second by default). Once every stream has delivered its first text, VmRSS is
/// sampled for `--sample-seconds`; then the streams are cancelled. `--transport nio` (default) runs them
/// over the library's default transport, `NIOHTTPTransport.shared`; `--transport ahc` over an
/// `AsyncHTTPClientTransport` whose client has one connection per stream.
@main
enum MemoryBench {
    static func main() async throws {
        let options = Options()
        let server = options.string("server", default: "http://127.0.0.1:8089")
        let streams = options.int("streams", default: 1000)
        let ticks = options.int("ticks", default: 30)
        let sampleSeconds = options.double("sample-seconds", default: 5)
        let openTimeout = options.double("open-timeout", default: 60)
        let transportName = options.string("transport", default: "nio")

        var client: HTTPClient?
        let transport: any HTTPTransport
        if transportName == "ahc" {
            var configuration = HTTPClient.Configuration.singletonConfiguration
            configuration.timeout = .init(connect: .seconds(10), read: nil)
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = streams
            client = HTTPClient(eventLoopGroup: AsyncHTTPClientTransport.eventLoopGroup, configuration: configuration)
            transport = AsyncHTTPClientTransport(client: client!)
        } else {
            transport = NIOHTTPTransport.shared
        }
        let provider = OpenAIProvider(
            configuration: .init(baseURL: server + "/hold/\(ticks)/v1", apiKey: "bench", retryPolicy: .none),
            transport: transport)
        let request = ChatRequest(model: "bench-model", messages: [.user("Go")])

        // One short stream first, so the baseline includes the client and lazy initialisation.
        let warmUp = OpenAIProvider(configuration: .init(baseURL: server + "/hold/1/v1", apiKey: "bench"), transport: transport)
        for try await _ in warmUp.stream(request) {}
        let baseline = residentMemoryMiB().rss

        let counter = OpenCounter()
        let start = ContinuousClock.now
        var peak = baseline
        var opened = 0
        var openSeconds = Double.nan
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<streams {
                group.addTask {
                    var first = true
                    do {
                        for try await event in provider.stream(request) {
                            if first, case .textDelta = event {
                                first = false
                                await counter.increment()
                            }
                        }
                    } catch {}  // cancelled at the end, or a failure counted as "not opened"
                }
            }
            // Wait (bounded) until every stream is open, then sample.
            while (ContinuousClock.now - start).seconds < openTimeout {
                opened = await counter.value
                peak = max(peak, residentMemoryMiB().rss)
                if opened == streams { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
            openSeconds = (ContinuousClock.now - start).seconds
            let sampleStart = ContinuousClock.now
            while opened == streams, (ContinuousClock.now - sampleStart).seconds < sampleSeconds {
                peak = max(peak, residentMemoryMiB().rss)
                try? await Task.sleep(for: .milliseconds(250))
            }
            group.cancelAll()
        }
        let memory = residentMemoryMiB()
        try await client?.shutdown()
        let round = { (value: Double) in (value * 10).rounded() / 10 }
        emitResult([
            "bench": "memory", "transport": transportName, "streams": streams, "opened": opened,
            "open_s": round(openSeconds), "baseline_rss_mib": round(baseline), "peak_rss_mib": round(peak),
            "hwm_mib": round(memory.hwm),
            "kib_per_stream": opened > 0 ? round((peak - baseline) * 1024 / Double(opened)) : 0,
        ])
    }
}

/// How many streams have delivered their first text.
actor OpenCounter {
    private(set) var value = 0

    func increment() { value += 1 }
}
