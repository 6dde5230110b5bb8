/// Details a provider sent with an error response, kept for debugging.
///
/// `body` is the raw response body with any API key the provider knows of masked out.
public struct ProviderErrorDetails: Sendable, Hashable, CustomStringConvertible {
    /// The provider that answered, e.g. `"openai"`.
    public var provider: String
    /// HTTP status code, when the error came from an HTTP response.
    public var status: Int?
    /// The human-readable message the provider sent (or a summary of the body).
    public var message: String
    /// The provider's machine-readable error code or type, e.g. `"context_length_exceeded"`.
    public var code: String?
    /// The raw response body (keys masked), for debugging.
    public var body: String?

    public init(provider: String, status: Int? = nil, message: String, code: String? = nil, body: String? = nil) {
        self.provider = provider
        self.status = status
        self.message = message
        self.code = code
        self.body = body
    }

    public var description: String {
        var parts = [provider]
        if let status { parts.append("HTTP \(status)") }
        if let code { parts.append(code) }
        return parts.joined(separator: " ") + ": " + message
    }
}

/// Which time limit of a request ran out.
public enum TimeoutKind: String, Sendable, Hashable {
    /// Establishing the connection took too long.
    case connect
    /// The server did not start answering in time.
    case firstByte
    /// The server went silent in the middle of a response for too long.
    case idle
    /// The whole request took longer than its total limit.
    case total
}

/// The one error type of the package: a small, closed set of cases that callers can switch over.
///
/// Provider error bodies are parsed into these cases; the raw status and body are kept in
/// ``ProviderErrorDetails``. API keys never appear in an error.
public enum LLMError: Error, Sendable, Hashable {
    /// The API key is missing, wrong or expired (HTTP 401).
    case authentication(ProviderErrorDetails)
    /// The key is valid but may not do this (HTTP 403).
    case permissionDenied(ProviderErrorDetails)
    /// The model does not exist or is not available to this key (HTTP 404).
    case modelNotFound(ProviderErrorDetails)
    /// The request was rejected as malformed or unsupported (HTTP 400, 422).
    case invalidRequest(ProviderErrorDetails)
    /// The conversation does not fit the model's context window.
    case contextLengthExceeded(ProviderErrorDetails)
    /// The provider refused the input or the output on content-policy grounds.
    case contentFiltered(ProviderErrorDetails)
    /// Too many requests or tokens (HTTP 429); `retryAfter` is the delay the provider asked for.
    case rateLimited(retryAfter: Duration?, ProviderErrorDetails)
    /// The provider is temporarily overloaded (HTTP 529, 503 with an overload body).
    case overloaded(retryAfter: Duration?, ProviderErrorDetails)
    /// The provider failed (HTTP 5xx).
    case serverError(ProviderErrorDetails)
    /// A time limit ran out.
    case timeout(TimeoutKind)
    /// The connection could not be made or broke; `reason` says how.
    case network(reason: String)
    /// The provider answered successfully but with no text and no tool calls.
    case emptyResponse(model: String?)
    /// The provider's answer could not be understood; `raw` holds the offending text.
    case malformedResponse(reason: String, raw: String)
    /// A tool call's arguments are not a valid JSON object; `raw` holds the text received.
    case invalidToolArguments(toolName: String, raw: String, reason: String)
    /// The request asks for something this provider cannot do (see its capabilities).
    case unsupported(feature: String, provider: String)
    /// The calling task was cancelled.
    case cancelled
}

extension LLMError {
    /// Whether the same request may succeed if sent again later.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .overloaded, .serverError, .timeout, .network, .emptyResponse:
            return true
        case .authentication, .permissionDenied, .modelNotFound, .invalidRequest, .contextLengthExceeded,
            .contentFiltered, .malformedResponse, .invalidToolArguments, .unsupported, .cancelled:
            return false
        }
    }

    /// The delay the provider asked for before a retry, if it named one.
    public var retryAfter: Duration? {
        switch self {
        case .rateLimited(let delay, _), .overloaded(let delay, _): return delay
        default: return nil
        }
    }

    /// The provider's details (status, code, body) when the error came from a provider response.
    public var details: ProviderErrorDetails? {
        switch self {
        case .authentication(let d), .permissionDenied(let d), .modelNotFound(let d), .invalidRequest(let d),
            .contextLengthExceeded(let d), .contentFiltered(let d), .serverError(let d):
            return d
        case .rateLimited(_, let d), .overloaded(_, let d):
            return d
        default:
            return nil
        }
    }

    /// The HTTP status of the provider response that caused this error, if any.
    public var httpStatus: Int? { details?.status }

    /// A short, stable name of the error class, used for exit codes, metrics and logs.
    public var kind: String {
        switch self {
        case .authentication: "authentication"
        case .permissionDenied: "permission_denied"
        case .modelNotFound: "model_not_found"
        case .invalidRequest: "invalid_request"
        case .contextLengthExceeded: "context_length_exceeded"
        case .contentFiltered: "content_filtered"
        case .rateLimited: "rate_limited"
        case .overloaded: "overloaded"
        case .serverError: "server_error"
        case .timeout: "timeout"
        case .network: "network"
        case .emptyResponse: "empty_response"
        case .malformedResponse: "malformed_response"
        case .invalidToolArguments: "invalid_tool_arguments"
        case .unsupported: "unsupported"
        case .cancelled: "cancelled"
        }
    }
}

extension LLMError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .authentication(let d): "authentication failed (\(d))"
        case .permissionDenied(let d): "permission denied (\(d))"
        case .modelNotFound(let d): "model not found (\(d))"
        case .invalidRequest(let d): "invalid request (\(d))"
        case .contextLengthExceeded(let d): "context length exceeded (\(d))"
        case .contentFiltered(let d): "content filtered (\(d))"
        case .rateLimited(let delay, let d):
            "rate limited" + (delay.map { ", retry after \($0)" } ?? "") + " (\(d))"
        case .overloaded(let delay, let d):
            "overloaded" + (delay.map { ", retry after \($0)" } ?? "") + " (\(d))"
        case .serverError(let d): "server error (\(d))"
        case .timeout(let kind): "timed out (\(kind.rawValue))"
        case .network(let reason): "network error: \(reason)"
        case .emptyResponse(let model): "empty response" + (model.map { " from \($0)" } ?? "")
        case .malformedResponse(let reason, _): "malformed response: \(reason)"
        case .invalidToolArguments(let name, _, let reason): "invalid arguments for tool \(name): \(reason)"
        case .unsupported(let feature, let provider): "\(provider) does not support \(feature)"
        case .cancelled: "cancelled"
        }
    }
}
