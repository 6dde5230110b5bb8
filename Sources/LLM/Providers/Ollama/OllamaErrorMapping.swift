/// Turns an Ollama error (HTTP status plus `{"error": "text"}`, or an error line inside a stream) into an
/// ``LLMError``. Ollama has no error codes: the status decides, and the text where there is no status.
enum OllamaErrorMapping {
    static func error(status: Int?, message: String?, raw: String?, provider: String, retryAfter: Duration?) -> LLMError {
        let text = message ?? raw.map { String($0.prefix(500)) } ?? "no error message"
        let details = ProviderErrorDetails(provider: provider, status: status, message: text, body: raw)
        let lowered = text.lowercased()
        // A prompt over the context (with `truncate: false`) comes as 400, or 500 from older servers.
        if lowered.contains("exceeds the context length") || lowered.contains("context length")
            || lowered.contains("context window")
        {
            return .contextLengthExceeded(details)
        }
        if let status {
            return HTTPErrorClassification.error(status: status, details: details, retryAfter: retryAfter)
        }
        // An error line inside a 200 stream usually has no status: the text is all there is.
        if lowered.contains("not found, try pulling") || (lowered.hasPrefix("model ") && lowered.contains("not found")) {
            return .modelNotFound(details)
        }
        if lowered.contains("server busy") { return .overloaded(retryAfter: retryAfter, details) }
        if lowered.contains("usage limit") || lowered.contains("rate limit") || lowered.contains("too many requests") {
            return .rateLimited(retryAfter: retryAfter, details)
        }
        if lowered.contains("unauthorized") { return .authentication(details) }
        if lowered.contains("requires a subscription") { return .permissionDenied(details) }
        if lowered.contains("does not support") { return .invalidRequest(details) }
        return .serverError(details)
    }
}
