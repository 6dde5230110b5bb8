import LLM
import LLMTesting

extension ConformanceSubject {
    /// Ollama's native API. Its own error statuses are 400, 404, 500 and 503; the 401, 403 and 429 bodies are
    /// ollama.com's (Ollama's cloud), which answers in the same `{"error": "..."}` shape.
    static let ollama = ConformanceSubject(
        name: "ollama",
        makeProvider: {
            OllamaProvider(configuration: .init(host: "http://replay:11434", apiKey: "ollama-conformance-key", retryPolicy: .none), transport: $0)
        },
        errorStatuses: standardErrorStatuses, rateLimitHeaders: ["retry-after": "7"])
}
