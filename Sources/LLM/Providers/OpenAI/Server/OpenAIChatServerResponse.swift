/// The server side of the OpenAI Chat Completions format for whole replies and errors.
public enum OpenAIChatServerResponse {
    /// A `chat.completion` object for `response`.
    ///
    /// - Parameters:
    ///   - response: the reply to write.
    ///   - id: the completion's id (e.g. `"chatcmpl-…"`).
    ///   - created: its Unix time in seconds.
    public static func completion(_ response: LLMResponse, id: String, created: Int) -> JSONValue {
        var message: [String: JSONValue] = [
            "role": "assistant",
            "content": response.content.isEmpty && !response.toolCalls.isEmpty ? .null : .string(response.content),
        ]
        if !response.toolCalls.isEmpty {
            message["tool_calls"] = .array(response.toolCalls.map(OpenAIRequestMapping.toolCall))
        }
        let reasoning = response.reasoning.map(\.text).joined()
        if !reasoning.isEmpty { message["reasoning_content"] = .string(reasoning) }
        return [
            "id": .string(id), "object": "chat.completion", "created": .int(created), "model": .string(response.model),
            "choices": [
                ["index": 0, "message": .object(message), "finish_reason": .string(finishReason(response.stopReason)), "logprobs": .null]
            ],
            "usage": usage(response.usage),
        ]
    }

    /// The `finish_reason` for a stop reason.
    static func finishReason(_ reason: StopReason) -> String {
        switch reason {
        case .endTurn, .stopSequence: "stop"
        case .maxTokens: "length"
        case .toolCalls: "tool_calls"
        case .contentFilter: "content_filter"
        case .other(let raw): raw
        }
    }

    /// The `usage` object, with cached and reasoning tokens in their details.
    static func usage(_ usage: Usage) -> JSONValue {
        [
            "prompt_tokens": .int(usage.inputTokens), "completion_tokens": .int(usage.outputTokens),
            "total_tokens": .int(usage.totalTokens),
            "prompt_tokens_details": ["cached_tokens": .int(usage.cacheReadTokens)],
            "completion_tokens_details": ["reasoning_tokens": .int(usage.reasoningTokens)],
        ]
    }

    /// The HTTP status, body and headers OpenAI sends for `error`: `{"error": {"message", "type", "param", "code"}}`,
    /// with `Retry-After` (whole seconds, rounded up) when the error names a delay. The OpenAI SDKs read `code` and
    /// `type` to raise their own typed errors (`RateLimitError`, `AuthenticationError`...).
    public static func error(_ error: LLMError) -> (status: Int, body: JSONValue, headers: [(String, String)]) {
        let (status, type, code) = classification(of: error)
        let message: String
        switch error {
        case .network(let reason): message = "upstream network error: \(reason)"
        case .timeout(let kind): message = "upstream timeout (\(kind.rawValue))"
        case .cancelled: message = "the request was cancelled"
        default: message = error.details?.message ?? "\(error)"
        }
        var headers: [(String, String)] = []
        if let delay = error.retryAfter { headers.append(("retry-after", String(RetryAfter.wholeSeconds(delay)))) }
        let body: JSONValue = [
            "error": ["message": .string(message), "type": .string(type), "param": .null, "code": code.map(JSONValue.string) ?? .null]
        ]
        return (status, body, headers)
    }

    /// An error inside a stream, after its first chunk: the data of one SSE event, as OpenAI sends it.
    public static func streamError(_ error: LLMError) -> JSONValue {
        self.error(error).body
    }

    private static func classification(of error: LLMError) -> (status: Int, type: String, code: String?) {
        switch error {
        case .authentication: (401, "invalid_request_error", "invalid_api_key")
        case .permissionDenied: (403, "invalid_request_error", "permission_denied")
        case .modelNotFound: (404, "invalid_request_error", "model_not_found")
        case .invalidRequest(let details): (details.status.flatMap { (400..<500).contains($0) ? $0 : nil } ?? 400, "invalid_request_error", nil)
        case .contextLengthExceeded: (400, "invalid_request_error", "context_length_exceeded")
        case .contentFiltered: (400, "invalid_request_error", "content_filter")
        case .rateLimited(_, let details) where details.code == "insufficient_quota": (429, "insufficient_quota", "insufficient_quota")
        case .rateLimited: (429, "requests", "rate_limit_exceeded")
        case .overloaded: (503, "server_error", "overloaded")
        case .serverError: (502, "server_error", nil)
        case .timeout: (504, "server_error", "timeout")
        case .network: (502, "server_error", "upstream_unreachable")
        case .emptyResponse, .malformedResponse, .invalidToolArguments: (502, "server_error", "bad_upstream_response")
        case .unsupported: (400, "invalid_request_error", "unsupported")
        case .cancelled: (499, "invalid_request_error", "cancelled")
        }
    }
}
