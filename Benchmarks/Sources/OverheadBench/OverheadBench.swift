import AsyncHTTPClient
import BenchSupport
import LLM
import NIOCore
import NIOPosix

/// The latency `OpenAIProvider.complete()` adds to a bare AsyncHTTPClient call of the same request
/// against a zero-latency server, measured in the same process on the same event loops. The provider runs over
/// the library's default transport (`NIOHTTPTransport`, its own connections); the bare calls over an
/// `HTTPClient`.
///
///     OverheadBench --server http://127.0.0.1:PORT [--requests 10000] [--concurrency 1|64]
///                   [--pool sized|ahc-default] [--warmup 500] [--event-loops N]
///
/// Each worker rotates through a bare call, the library's transport alone (`NIOHTTPTransport.send` and
/// reading the body, no JSON) and a provider call, so all see the same load and the same server; `--requests` of each are timed after
/// `--warmup` of each. At concurrency 1 the CPU time of each kind is then measured too, 2,000 calls of
/// one kind at a time. `--pool sized` gives the `HTTPClient` as many connections as workers; `--pool
/// ahc-default` keeps AsyncHTTPClient's default of 8 connections per host (what
/// `AsyncHTTPClientTransport.shared` had before it was raised to 1,024), to show what queueing behind a
/// small pool costs.
@main
enum OverheadBench {
    static func main() async throws {
        let options = Options()
        let server = options.string("server", default: "http://127.0.0.1:8089")
        let requests = options.int("requests", default: 10_000)
        let concurrency = max(1, options.int("concurrency", default: 1))
        let pool = options.string("pool", default: "sized")
        let warmup = options.int("warmup", default: 500)
        let eventLoops = options.int("event-loops", default: 0)

        // The library's own client settings (see AsyncHTTPClientTransport.init(connectTimeout:)).
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        if pool == "sized" {
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, concurrency)
        }
        // The library's one-loop group, or `--event-loops N` of a group of its own (N = 2 shows the cost of
        // AsyncHTTPClient's cross-loop hops that the one loop avoids).
        let group: any EventLoopGroup =
            eventLoops > 0 ? MultiThreadedEventLoopGroup(numberOfThreads: eventLoops) : AsyncHTTPClientTransport.eventLoopGroup
        let client = HTTPClient(eventLoopGroup: group, configuration: configuration)
        let calls = Calls(client: client, server: server, group: group)

        _ = try await run(calls, count: warmup, concurrency: concurrency)
        let start = ContinuousClock.now
        var latencies = try await run(calls, count: requests, concurrency: concurrency)
        let wall = (ContinuousClock.now - start).seconds
        for kind in Kind.allCases { latencies[kind.rawValue].sort() }

        let micro = { (seconds: Double) in (seconds * 1e7).rounded() / 10 }
        var result: [String: any Sendable] = [
            "bench": "overhead", "concurrency": concurrency, "pool": pool, "requests": requests, "wall_s": wall,
        ]
        for kind in Kind.allCases {
            result["\(kind)_p50_us"] = micro(percentile(latencies[kind.rawValue], 0.5))
            result["\(kind)_p99_us"] = micro(percentile(latencies[kind.rawValue], 0.99))
        }
        let bare = latencies[Kind.bare.rawValue]
        for kind in [Kind.transport, .provider] {
            let mine = latencies[kind.rawValue]
            let prefix = kind == .provider ? "added" : "\(kind)_added"
            result["\(prefix)_p50_us"] = micro(percentile(mine, 0.5) - percentile(bare, 0.5))
            result["\(prefix)_p99_us"] = micro(percentile(mine, 0.99) - percentile(bare, 0.99))
        }
        if concurrency == 1 {
            for kind in Kind.allCases {
                let cpuBefore = processCPUSeconds()
                for _ in 0..<2000 { _ = try await calls.time(kind) }
                result["\(kind)_cpu_us"] = micro((processCPUSeconds() - cpuBefore) / 2000)
            }
        }
        try await client.shutdown()
        emitResult(result)
    }

    /// `count` calls of each kind spread over `concurrency` workers; the latencies of each kind, in
    /// seconds, indexed by `Kind.rawValue`.
    static func run(_ calls: Calls, count: Int, concurrency: Int) async throws -> [[Double]] {
        try await withThrowingTaskGroup(of: [[Double]].self) { group in
            for worker in 0..<concurrency {
                let share = count / concurrency + (worker < count % concurrency ? 1 : 0)
                group.addTask {
                    var latencies = Array(repeating: [Double](), count: Kind.allCases.count)
                    for index in 0..<share {
                        // Rotate which goes first, so no kind always follows the same one.
                        for step in 0..<Kind.allCases.count {
                            let kind = Kind.allCases[(index + step) % Kind.allCases.count]
                            latencies[kind.rawValue].append(try await calls.time(kind))
                        }
                    }
                    return latencies
                }
            }
            var all = Array(repeating: [Double](), count: Kind.allCases.count)
            for try await latencies in group {
                for kind in Kind.allCases { all[kind.rawValue] += latencies[kind.rawValue] }
            }
            return all
        }
    }
}

/// What is timed: AsyncHTTPClient alone, the library's transport alone, and the whole provider.
enum Kind: Int, CaseIterable, CustomStringConvertible {
    case bare, transport, provider

    var description: String { ["bare", "transport", "provider"][rawValue] }
}

/// The same small chat request, sent bare, through the transport and through the provider, on one
/// `HTTPClient`.
struct Calls: Sendable {
    let client: HTTPClient
    let transport: NIOHTTPTransport
    let transportRequest: TransportRequest
    let provider: OpenAIProvider
    let chatRequest = ChatRequest(model: "gpt-4o-mini", messages: [.user("Say hello.")], maxTokens: 16)
    let bareRequest: HTTPClientRequest

    init(client: HTTPClient, server: String, group: any EventLoopGroup) {
        self.client = client
        let configuration = OpenAIConfiguration(baseURL: server + "/complete/v1", apiKey: "sk-bench-key")
        // The library's default transport, on the same event loops as the bare client.
        transport = NIOHTTPTransport(connectTimeout: .seconds(10), eventLoopGroup: group)
        provider = OpenAIProvider(configuration: configuration, transport: transport)
        // What the provider sends, written by hand as a caller of AsyncHTTPClient would.
        var request = HTTPClientRequest(url: server + "/complete/v1/chat/completions")
        request.method = .POST
        request.headers = [
            "authorization": "Bearer sk-bench-key", "accept": "application/json", "content-type": "application/json",
        ]
        request.body = .bytes(ByteBuffer(string: Self.body))
        bareRequest = request
        transportRequest = TransportRequest(url: request.url, headers: request.headers, body: ByteBuffer(string: Self.body))
    }

    func time(_ kind: Kind) async throws -> Double {
        switch kind {
        case .bare: try await timeBare()
        case .transport: try await timeTransport()
        case .provider: try await timeProvider(provider)
        }
    }

    func timeTransport() async throws -> Double {
        let start = ContinuousClock.now
        let response = try await transport.send(transportRequest)
        let body = try await response.body.collect(upTo: 1 << 20)
        precondition(response.status == 200 && body.readableBytes > 0)
        return (ContinuousClock.now - start).seconds
    }

    static let body = #"{"max_tokens":16,"messages":[{"content":"Say hello.","role":"user"}],"model":"gpt-4o-mini"}"#

    func timeBare() async throws -> Double {
        let start = ContinuousClock.now
        let response = try await client.execute(bareRequest, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        precondition(response.status == .ok && body.readableBytes > 0)
        return (ContinuousClock.now - start).seconds
    }

    func timeProvider(_ provider: OpenAIProvider) async throws -> Double {
        let start = ContinuousClock.now
        let reply = try await provider.complete(chatRequest)
        precondition(reply.content == "Hello there.")
        return (ContinuousClock.now - start).seconds
    }
}
