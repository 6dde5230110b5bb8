import LLM
import LLMTesting
import NIOHTTP1

/// One provider's wire format, as the fault tests need it: how to build the provider against a server,
/// how its streamed success fixture is framed, and where its error bodies live.
///
/// The bodies are the conformance fixtures (`Fixtures/conformance/<name>/`): `streamed-text.stream`
/// ("Hello" + " there.", 12 input and 3 output tokens) and `error-<kind>.json`.
struct FaultWire: Sendable, CustomStringConvertible {
    enum Framing: Sendable { case sse, ndjson }

    let name: String
    let framing: Framing
    /// A piece of the streaming request's path, so one server can tell the providers apart.
    let pathMarker: String
    let make: @Sendable (_ root: String, _ transport: any HTTPTransport, _ options: FaultOptions) -> any LLMProvider

    var description: String { name }

    static let all: [FaultWire] = [.openAI, .anthropic, .openAIResponses, .gemini, .ollama]

    static func serving(path: String) -> FaultWire? {
        all.first { path.contains($0.pathMarker) }
    }

    var contentType: String { framing == .sse ? "text/event-stream" : "application/x-ndjson" }

    /// A chunk no decoder can read as the provider's JSON.
    var malformedEvent: String { framing == .sse ? "data: {\"oops\n\n" : "{\"oops\n" }

    /// The streamed success fixture cut into its wire events, each with its terminator (blank line or LF).
    func events() throws -> [String] {
        let text = try Fixtures.text("conformance/\(name)/streamed-text.stream")
        // Gemini frames its events with CRLF, as its servers do.
        let separator = framing == .ndjson ? "\n" : text.contains("\r\n\r\n") ? "\r\n\r\n" : "\n\n"
        return text.components(separatedBy: separator).filter { !$0.isEmpty }.map { $0 + separator }
    }

    /// The index of the first event that carries reply text: everything before it is content-free.
    func firstContentIndex(_ events: [String]) throws -> Int {
        guard let index = events.firstIndex(where: { $0.contains("Hello") }) else {
            throw FaultFixtureError(message: "\(name): no event carries \"Hello\"")
        }
        return index
    }

    func errorBody(_ kind: String) throws -> String {
        try Fixtures.text("conformance/\(name)/error-\(kind).json")
    }
}

struct FaultFixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// What a fault test tunes in a provider: its time limits and retries.
struct FaultOptions: Sendable {
    var timeouts: HTTPTimeouts
    var policy: RetryPolicy
    var clock: any RetryClock

    /// Three attempts, 100 ms then 200 ms apart, no jitter, so the recorded delays are exact.
    static let policy = RetryPolicy(
        maxAttempts: 3, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), multiplier: 2, jitter: false)

    /// Limits no healthy loopback exchange comes near, for the tests that are not about timeouts.
    static let relaxed = HTTPTimeouts(firstByte: .seconds(10), idle: .seconds(10), total: .seconds(30))

    /// Limits the timeout tests run into on purpose (short, so the suite stays fast).
    static let tight = HTTPTimeouts(firstByte: .milliseconds(500), idle: .milliseconds(500), total: .seconds(30))
}

extension FaultWire {
    static let openAI = FaultWire(name: "openai", framing: .sse, pathMarker: "/chat/completions") { root, transport, o in
        OpenAIProvider(
            configuration: .init(baseURL: root + "/v1", apiKey: "sk-fault", timeouts: o.timeouts, retryPolicy: o.policy),
            transport: transport, retryClock: o.clock)
    }

    static let anthropic = FaultWire(name: "anthropic", framing: .sse, pathMarker: "/messages") { root, transport, o in
        AnthropicProvider(
            configuration: .init(baseURL: root + "/v1", apiKey: "sk-ant-fault", timeouts: o.timeouts, retryPolicy: o.policy),
            transport: transport, retryClock: o.clock)
    }

    static let openAIResponses = FaultWire(name: "openai-responses", framing: .sse, pathMarker: "/responses") { root, transport, o in
        OpenAIResponsesProvider(
            configuration: .init(baseURL: root + "/v1", apiKey: "sk-fault", timeouts: o.timeouts, retryPolicy: o.policy),
            transport: transport, retryClock: o.clock)
    }

    static let gemini = FaultWire(name: "gemini", framing: .sse, pathMarker: ":streamGenerateContent") { root, transport, o in
        GeminiProvider(
            configuration: .init(baseURL: root + "/v1beta", apiKey: "AIza-fault", timeouts: o.timeouts, retryPolicy: o.policy),
            transport: transport, retryClock: o.clock)
    }

    static let ollama = FaultWire(name: "ollama", framing: .ndjson, pathMarker: "/api/chat") { root, transport, o in
        OllamaProvider(
            configuration: .init(host: root, apiKey: "ollama-fault", timeouts: o.timeouts, retryPolicy: o.policy),
            transport: transport, retryClock: o.clock)
    }
}
