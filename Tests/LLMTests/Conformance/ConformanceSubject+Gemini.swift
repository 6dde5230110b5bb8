import LLM
import LLMTesting

extension ConformanceSubject {
    /// Gemini answers an invalid API key with 400 INVALID_ARGUMENT (not 401), and names the rate-limit delay
    /// in the body (`RetryInfo.retryDelay: "7s"`) rather than in a header.
    static let gemini = ConformanceSubject(
        name: "gemini",
        makeProvider: {
            GeminiProvider(configuration: .init(baseURL: "http://replay/v1beta", apiKey: "AIza-conformance", retryPolicy: .none), transport: $0)
        },
        errorStatuses: standardErrorStatuses.merging(["authentication": 400], uniquingKeysWith: { $1 }),
        rateLimitHeaders: [:])
}
