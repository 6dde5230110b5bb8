/// Turns an OpenAI-style error (HTTP status plus `{"error": {...}}` body) into an ``LLMError``.
enum OpenAIErrorMapping {
    static func error(
        status: Int?, body: OpenAIErrorBody?, raw: String?, provider: String, retryAfter: Duration?
    ) -> LLMError {
        let message = body?.message ?? raw.map { String($0.prefix(500)) } ?? "no error message"
        let code = body?.code ?? body?.type
        let details = ProviderErrorDetails(provider: provider, status: status, message: message, code: code, body: raw)
        let codes = [body?.code, body?.type].compactMap { $0?.lowercased() }
        let lowered = message.lowercased()
        if codes.contains(where: { $0.contains("context_length") || $0.contains("exceed_context") })
            || lowered.contains("maximum context length") || lowered.contains("context size")
            || lowered.contains("context window")
        {
            return .contextLengthExceeded(details)
        }
        if codes.contains(where: { $0.contains("content_filter") || $0.contains("content_policy") }) {
            return .contentFiltered(details)
        }
        if codes.contains("insufficient_quota") || codes.contains("rate_limit_exceeded") || codes.contains("rate_limit_error") {
            return .rateLimited(retryAfter: retryAfter, details)
        }
        if codes.contains("model_not_found") {
            return .modelNotFound(details)
        }
        if codes.contains("invalid_api_key") || codes.contains("authentication_error") {
            return .authentication(details)
        }
        guard let status else {
            // An error event inside a stream has no status of its own.
            if codes.contains(where: { $0.contains("overloaded") }) { return .overloaded(retryAfter: retryAfter, details) }
            if codes.contains(where: { $0.contains("invalid_request") }) { return .invalidRequest(details) }
            return .serverError(details)
        }
        return HTTPErrorClassification.error(status: status, details: details, retryAfter: retryAfter)
    }
}
