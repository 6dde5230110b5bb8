/// The server side of the Anthropic Messages format for whole replies and errors.
public enum AnthropicMessagesServerResponse {
    /// A `message` object for `response`: thinking blocks (with their signatures), the text, then the tool calls.
    public static func message(_ response: LLMResponse, id: String) -> JSONValue {
        var content: [JSONValue] = response.reasoning.map(reasoningBlock)
        if !response.content.isEmpty { content.append(["type": "text", "text": .string(response.content)]) }
        for call in response.toolCalls {
            content.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.arguments])
        }
        return [
            "id": .string(id), "type": "message", "role": "assistant", "model": .string(response.model),
            "content": .array(content), "stop_reason": .string(stopReason(response.stopReason)), "stop_sequence": .null,
            "usage": usage(response.usage),
        ]
    }

    static func reasoningBlock(_ block: ReasoningBlock) -> JSONValue {
        if let data = block.redactedData { return ["type": "redacted_thinking", "data": .string(data)] }
        return ["type": "thinking", "thinking": .string(block.text), "signature": .string(block.signature ?? "")]
    }

    static func stopReason(_ reason: StopReason) -> String {
        switch reason {
        case .endTurn: "end_turn"
        case .maxTokens: "max_tokens"
        case .stopSequence: "stop_sequence"
        case .toolCalls: "tool_use"
        case .contentFilter: "refusal"
        case .other(let raw): raw
        }
    }

    /// Anthropic counts cached input apart: `input_tokens` is the rest.
    static func usage(_ usage: Usage) -> JSONValue {
        [
            "input_tokens": .int(usage.uncachedInputTokens), "output_tokens": .int(usage.outputTokens),
            "cache_read_input_tokens": .int(usage.cacheReadTokens), "cache_creation_input_tokens": .int(usage.cacheWriteTokens),
        ]
    }

    /// The HTTP status, body (`{"type": "error", "error": {"type", "message"}}`) and headers Anthropic sends for
    /// `error`, with `Retry-After` (whole seconds, rounded up) when the error names a delay.
    public static func error(_ error: LLMError) -> (status: Int, body: JSONValue, headers: [(String, String)]) {
        let (status, type) = classification(of: error)
        var headers: [(String, String)] = []
        if let delay = error.retryAfter { headers.append(("retry-after", String(RetryAfter.wholeSeconds(delay)))) }
        return (status, streamError(error, type: type), headers)
    }

    /// The data of an `error` event inside a stream.
    public static func streamError(_ error: LLMError) -> JSONValue {
        streamError(error, type: classification(of: error).type)
    }

    private static func streamError(_ error: LLMError, type: String) -> JSONValue {
        var message = error.details?.message ?? "\(error)"
        // Anthropic's clients recognise a context overflow by these words.
        if case .contextLengthExceeded = error, !message.lowercased().contains("prompt is too long") {
            message = "prompt is too long: " + message
        }
        return ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
    }

    private static func classification(of error: LLMError) -> (status: Int, type: String) {
        switch error {
        case .authentication: (401, "authentication_error")
        case .permissionDenied: (403, "permission_error")
        case .modelNotFound: (404, "not_found_error")
        case .invalidRequest(let details): (details.status.flatMap { (400..<500).contains($0) ? $0 : nil } ?? 400, "invalid_request_error")
        case .contextLengthExceeded: (400, "invalid_request_error")
        case .contentFiltered: (400, "invalid_request_error")
        case .rateLimited: (429, "rate_limit_error")
        case .overloaded: (529, "overloaded_error")
        case .serverError, .network, .emptyResponse, .malformedResponse, .invalidToolArguments: (502, "api_error")
        case .timeout: (504, "timeout_error")
        case .unsupported: (400, "invalid_request_error")
        case .cancelled: (499, "invalid_request_error")
        }
    }
}
