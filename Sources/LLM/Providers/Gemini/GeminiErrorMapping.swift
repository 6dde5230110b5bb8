/// Turns a Gemini error (HTTP status plus a `google.rpc.Status` body) into an ``LLMError``.
enum GeminiErrorMapping {
    static func error(status: Int?, body: GeminiErrorBody?, raw: String?, provider: String, retryAfter: Duration?) -> LLMError {
        let message = body?.message ?? raw.map { String($0.prefix(500)) } ?? "no error message"
        let details = ProviderErrorDetails(provider: provider, status: status, message: message, code: body?.status, body: raw)
        // The header wins when there is one; Gemini itself names the delay in a RetryInfo detail.
        let delay = retryAfter ?? body?.retryDelay
        let lowered = message.lowercased()
        let reasons = body?.reasons ?? []
        // "The input token count (1228942) exceeds the maximum number of tokens allowed (1048576)." A token
        // *quota* (429 RESOURCE_EXHAUSTED) is a rate limit, not a context overflow.
        if body?.status != "RESOURCE_EXHAUSTED",
            lowered.contains("exceeds the maximum number of tokens") || lowered.contains("context window")
                || lowered.contains("context length")
        {
            return .contextLengthExceeded(details)
        }
        // An invalid key is a 400 INVALID_ARGUMENT at Gemini, not a 401.
        if reasons.contains("API_KEY_INVALID") || lowered.contains("api key not valid") || lowered.contains("api key expired") {
            return .authentication(details)
        }
        switch body?.status {
        case "UNAUTHENTICATED": return .authentication(details)
        case "PERMISSION_DENIED": return .permissionDenied(details)
        case "NOT_FOUND": return .modelNotFound(details)
        case "RESOURCE_EXHAUSTED": return .rateLimited(retryAfter: delay, details)
        case "UNAVAILABLE": return .overloaded(retryAfter: delay, details)
        case "INTERNAL", "UNKNOWN", "DATA_LOSS": return .serverError(details)
        case "DEADLINE_EXCEEDED": return .timeout(.total)
        case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE": return .invalidRequest(details)
        default: break
        }
        // An error inside a stream has no HTTP status of its own; its body's `code` is the equivalent.
        guard let code = status ?? body?.code else { return .serverError(details) }
        return HTTPErrorClassification.error(status: code, details: details, retryAfter: delay)
    }
}
