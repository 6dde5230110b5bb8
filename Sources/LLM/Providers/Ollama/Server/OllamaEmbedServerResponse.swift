/// Replies of Ollama's embedding endpoints; errors are written as for chat (``OllamaChatServerResponse/error(_:)``).
public enum OllamaEmbedServerResponse {
    /// `/api/embed`: `{"model", "embeddings": [[...]], "total_duration", "load_duration", "prompt_eval_count"}`.
    public static func embed(_ response: EmbeddingResponse, model: String, totalDuration: Duration = .zero) -> JSONValue {
        [
            "model": .string(model), "embeddings": .array(response.embeddings.map(\.jsonArray)),
            "total_duration": .int(Int(totalDuration / .nanoseconds(1))), "load_duration": 0,
            "prompt_eval_count": .int(response.usage.inputTokens),
        ]
    }

    /// `/api/embeddings`: `{"embedding": [...]}`.
    public static func embeddings(_ response: EmbeddingResponse) -> JSONValue {
        ["embedding": response.embeddings.first?.jsonArray ?? []]
    }
}
