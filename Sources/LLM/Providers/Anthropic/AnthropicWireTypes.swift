// What Anthropic's Messages API sends back, decoded leniently (every field optional).

struct AnthropicMessage {
    var id: String?
    var model: String?
    var content: [AnthropicContentBlock]?
    var stop_reason: String?
    var usage: AnthropicUsage?
}

struct AnthropicContentBlock {
    var type: String
    var text: String?
    // tool_use
    var id: String?
    var name: String?
    var input: JSONValue?
    // thinking
    var thinking: String?
    var signature: String?
    // redacted_thinking
    var data: String?
}

struct AnthropicUsage {
    var input_tokens: Int?
    var output_tokens: Int?
    var cache_creation_input_tokens: Int?
    var cache_read_input_tokens: Int?

    /// Anthropic's `input_tokens` excludes cached tokens; ``Usage`` counts all input (see its doc).
    var usage: Usage {
        let cacheWrite = cache_creation_input_tokens ?? 0
        let cacheRead = cache_read_input_tokens ?? 0
        return Usage(
            inputTokens: (input_tokens ?? 0) + cacheWrite + cacheRead, outputTokens: output_tokens ?? 0,
            cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite)
    }

    /// A later usage report (message_delta) updates only the fields it carries.
    mutating func merge(_ later: AnthropicUsage) {
        input_tokens = later.input_tokens ?? input_tokens
        output_tokens = later.output_tokens ?? output_tokens
        cache_creation_input_tokens = later.cache_creation_input_tokens ?? cache_creation_input_tokens
        cache_read_input_tokens = later.cache_read_input_tokens ?? cache_read_input_tokens
    }
}

/// One server-sent event's JSON; `type` says which fields are present.
struct AnthropicStreamEvent {
    var type: String
    var message: AnthropicMessage?
    var index: Int?
    var content_block: AnthropicContentBlock?
    var delta: Delta?
    var usage: AnthropicUsage?
    var error: AnthropicErrorBody?

    struct Delta {
        var type: String?
        var text: String?
        var partial_json: String?
        var thinking: String?
        var signature: String?
        var stop_reason: String?
    }
}

/// `{"type": "error", "error": {"type": "overloaded_error", "message": "..."}}`
struct AnthropicErrorEnvelope {
    var error: AnthropicErrorBody?
}

struct AnthropicErrorBody {
    var type: String?
    var message: String?
}

struct AnthropicTokenCount {
    var input_tokens: Int
}

struct AnthropicModelList {
    var data: [Model]?

    struct Model {
        var id: String
        var display_name: String?
    }
}
