/// The error class an HTTP status means when the body says nothing more specific.
/// Providers refine this with their error codes (context length, content filter...).
public enum HTTPErrorClassification {
    public static func error(status: Int, details: ProviderErrorDetails, retryAfter: Duration?) -> LLMError {
        switch status {
        case 401: .authentication(details)
        case 403: .permissionDenied(details)
        case 404: .modelNotFound(details)
        case 408: .timeout(.total)
        case 413: .contextLengthExceeded(details)
        case 429: .rateLimited(retryAfter: retryAfter, details)
        case 503, 529: .overloaded(retryAfter: retryAfter, details)
        case 500...599: .serverError(details)
        default: .invalidRequest(details)
        }
    }
}
