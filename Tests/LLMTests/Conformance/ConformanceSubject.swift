import LLM
import LLMTesting
import NIOHTTP1

/// One provider under the shared conformance suite: how to build it over a ``ReplayTransport`` and where
/// its recorded answers live.
///
/// Every subject has the same fixture files under `Fixtures/conformance/<name>/`, each a recorded wire
/// answer to one scenario of ``ConformanceTests`` (written from the provider's API reference). Streamed
/// fixtures end in `.stream` (SSE or NDJSON, whatever the provider streams).
///
///   plain-text.json        "Hello there.", end of turn, 12 input and 3 output tokens
///   streamed-text.stream   "Hello" + " there." in at least two deltas, 12 input and 3 output tokens
///   tool-call.json         get_weather {"city":"Paris"}
///   parallel-tool-calls.stream  get_weather {"city":"Paris"} and get_weather {"city":"Oslo"}
///   tool-result-reply.json "It is 21 degrees and sunny in Paris."
///   json-object.json       {"answer": 42} as text
///   json-schema.json       {"name": "Ada", "age": 36} as text
///   reasoning.stream       reasoning "Let me think." (signature "sig-abc" where signed), then "42"
///   usage.json             100 input tokens in all (40 cache reads, 10 cache writes where reported),
///                          20 output tokens (8 reasoning where reported), text "ok"
///   stop-length.json       "Once upon a", stopped by the token limit
///   error-<kind>.json      the provider's error body for each kind in ``errorStatuses``
struct ConformanceSubject: Sendable, CustomStringConvertible {
    let name: String
    let makeProvider: @Sendable (ReplayTransport) -> any LLMProvider
    /// The HTTP status the provider answers with for each error kind (``LLMError/kind``).
    let errorStatuses: [String: Int]
    /// Extra headers sent with the rate-limit error (e.g. `retry-after: 7`); the suite expects a 7 s delay.
    let rateLimitHeaders: HTTPHeaders

    var description: String { name }

    func fixture(_ file: String) throws -> String {
        try Fixtures.text("conformance/\(name)/\(file)")
    }

    /// Every provider the suite runs against. A new provider adds its subject here.
    static let all: [ConformanceSubject] = [.openAI, .anthropic, .gemini, .ollama, .openAIResponses]
}

/// The error kinds every provider must map, with the usual HTTP statuses.
let standardErrorStatuses: [String: Int] = [
    "authentication": 401, "permission_denied": 403, "model_not_found": 404, "invalid_request": 400,
    "context_length_exceeded": 400, "rate_limited": 429, "overloaded": 503, "server_error": 500,
]

extension ConformanceSubject {
    static let openAI = ConformanceSubject(
        name: "openai",
        makeProvider: { OpenAIProvider(configuration: .init(baseURL: "http://replay/v1", apiKey: "sk-conformance", retryPolicy: .none), transport: $0) },
        errorStatuses: standardErrorStatuses, rateLimitHeaders: ["retry-after": "7"])

    static let anthropic = ConformanceSubject(
        name: "anthropic",
        makeProvider: { AnthropicProvider(configuration: .init(baseURL: "http://replay/v1", apiKey: "sk-ant-conformance", retryPolicy: .none), transport: $0) },
        errorStatuses: standardErrorStatuses.merging(["overloaded": 529], uniquingKeysWith: { $1 }),
        rateLimitHeaders: ["retry-after": "7"])
}
