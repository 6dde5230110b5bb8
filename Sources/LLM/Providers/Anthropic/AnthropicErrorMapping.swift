/// Turns an Anthropic error (status plus `{"type":"error","error":{...}}`) into an ``LLMError``.
enum AnthropicErrorMapping {
    static func error(status: Int?, body: AnthropicErrorBody?, raw: String?, provider: String, retryAfter: Duration?) -> LLMError {
        let message = body?.message ?? raw.map { String($0.prefix(500)) } ?? "no error message"
        let details = ProviderErrorDetails(provider: provider, status: status, message: message, code: body?.type, body: raw)
        let lowered = message.lowercased()
        if lowered.contains("prompt is too long") || lowered.contains("context window") || lowered.contains("context length") {
            return .contextLengthExceeded(details)
        }
        switch body?.type {
        case "authentication_error": return .authentication(details)
        case "permission_error": return .permissionDenied(details)
        case "not_found_error": return .modelNotFound(details)
        case "request_too_large": return .contextLengthExceeded(details)
        case "rate_limit_error": return .rateLimited(retryAfter: retryAfter, details)
        case "overloaded_error": return .overloaded(retryAfter: retryAfter, details)
        case "api_error": return .serverError(details)
        case "timeout_error": return .timeout(.total)
        case "invalid_request_error": return .invalidRequest(details)
        default: break
        }
        guard let status else { return .serverError(details) }
        return HTTPErrorClassification.error(status: status, details: details, retryAfter: retryAfter)
    }
}
