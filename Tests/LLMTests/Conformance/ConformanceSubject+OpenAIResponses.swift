import LLM
import LLMTesting

extension ConformanceSubject {
    /// OpenAI's Responses API: the same HTTP error bodies and statuses as Chat Completions.
    static let openAIResponses = ConformanceSubject(
        name: "openai-responses",
        makeProvider: {
            OpenAIResponsesProvider(
                configuration: .init(baseURL: "http://replay/v1", apiKey: "sk-conformance", retryPolicy: .none), transport: $0)
        },
        errorStatuses: standardErrorStatuses, rateLimitHeaders: ["retry-after": "7"])
}
