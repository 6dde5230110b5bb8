import Foundation
import LLM
import LLMGateway
import LLMTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// One access-log line a request and the Prometheus metrics at `GET /metrics`, for whole replies, streams (to their last
/// byte) and errors.
@Suite struct GatewayObservabilityTests {
    static let upstreamKey = "sk-upstream-SECRET-4242"

    @Test func eachRequestIsOneAccessLogLineAndCountedInTheMetrics() async throws {
        let upstream = try await helloUpstream()
        defer { Task { try await upstream.shutdown() } }
        let logs = CapturedLogs()
        let target = GatewayConfiguration.Target(
            model: "openai/up", baseURL: upstream.baseURL + "/v1", apiKeyEnv: "KEY", price: .init(inputPerMTok: 1_000_000, outputPerMTok: 2_000_000))
        let gateway = try await RunningGateway.start(
            GatewayConfiguration(models: [.init(name: "m", targets: [target])]), environment: ["KEY": Self.upstreamKey],
            accessLogger: Logger(label: "access") { _ in logs })
        defer { Task { await gateway.stop() } }

        let openAI = OpenAIProvider(configuration: OpenAIConfiguration(name: "client", baseURL: gateway.baseURL + "/v1", retryPolicy: .none))
        _ = try await openAI.complete(ChatRequest(model: "m", messages: [.user("hi")]))
        let anthropic = AnthropicProvider(configuration: AnthropicConfiguration(name: "client", baseURL: gateway.baseURL + "/v1", retryPolicy: .none))
        _ = try await anthropic.stream(ChatRequest(model: "m", messages: [.user("hi")], maxTokens: 16)).collectResponse()
        await #expect(throws: LLMError.self) { try await openAI.complete(ChatRequest(model: "no-such", messages: [.user("hi")])) }

        // The stream's line is written when its last byte is, which can be just after the client has read it.
        try await logs.waitFor(count: 3)
        let lines = logs.lines
        #expect(lines.count == 3, "\(lines)")
        let whole = try #require(lines.first { $0["path"] == "/v1/chat/completions" && $0["status"] == "200" })
        #expect(whole["format"] == "openai-chat")
        #expect(whole["alias"] == "m")
        #expect(whole["provider"] == "openai")
        #expect(whole["upstream_model"] == "up")
        #expect(whole["output_tokens"] == "3")
        #expect(whole["request_id"]?.isEmpty == false)
        let streamed = try #require(lines.first { $0["path"] == "/v1/messages" })
        #expect(streamed["stream"] == "true")
        #expect(streamed["format"] == "anthropic")
        #expect(streamed["output_tokens"] == "3")
        #expect(streamed["ttft_ms"] != nil)
        let refused = try #require(lines.first { $0["status"] == "404" })
        #expect(refused["alias"] == nil, "an unknown name is not an alias: \(refused)")
        #expect(!logs.text.contains(Self.upstreamKey))

        let (status, metrics) = try await get(gateway, "/metrics")
        #expect(status == 200)
        for series in [
            #"llm_gateway_requests_total{format="openai-chat",alias="m",provider="openai",status="200"} 1"#,
            #"llm_gateway_requests_total{format="anthropic",alias="m",provider="openai",status="200"} 1"#,
            #"llm_gateway_requests_total{format="openai-chat",alias="unknown",provider="none",status="404"} 1"#,
            #"llm_gateway_time_to_first_token_seconds_count{format="anthropic",alias="m",provider="openai"} 1"#,
            #"llm_gateway_tokens_total{alias="m",provider="openai",type="output"} 6"#,
            #"llm_gateway_request_duration_seconds_count{format="openai-chat",alias="m",provider="openai",status="200"} 1"#,
            // The library's own instrumentation of the upstream calls, in the same registry.
            #"llm_requests_total{provider="openai",model="up",operation="stream"} 1"#,
            // The target's price: $1 an input token and $2 an output token, so 5 + 6 dollars a reply, twice.
            #"llm_cost_usd_total{provider="openai",model="up"} 22"#,
        ] {
            #expect(metrics.contains(series), "\(series) in:\n\(metrics)")
        }
        #expect(!metrics.contains(Self.upstreamKey))
    }

    func get(_ gateway: RunningGateway, _ path: String) async throws -> (Int, String) {
        let (status, text, _) = try await exchange(.GET, gateway.baseURL + path)
        return (status, text)
    }
}

/// A log handler that keeps each line's metadata, for tests to read.
final class CapturedLogs: LogHandler, @unchecked Sendable {
    private let lock = NIOLock()
    private var captured: [[String: String]] = []
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = (event.metadata ?? [:]).mapValues { "\($0)" }
        line["message"] = "\(event.message)"
        lock.withLock { captured.append(line) }
    }

    var lines: [[String: String]] { lock.withLock { captured } }
    var text: String { lines.map { "\($0)" }.joined(separator: "\n") }

    /// Waits (at most two seconds) until `count` lines were logged.
    func waitFor(count: Int) async throws {
        for _ in 0..<200 where lines.count < count { try await Task.sleep(for: .milliseconds(10)) }
    }
}
