// What Ollama's native API (`/api/chat`, `/api/tags`) sends back, decoded leniently: every field is
// optional, because older servers omit `done_reason`, tool-call ids and `function.index`.

/// One line of a streamed `/api/chat` reply, or the whole non-streamed reply (the same shape with
/// `done: true`). An error line inside a stream carries `error` (and sometimes `status`) instead.
struct OllamaChatChunk: Decodable {
    var model: String?
    var created_at: String?
    var message: OllamaWireMessage?
    var done: Bool?
    /// `"stop"`, `"length"`, `"load"`, `"unload"`; absent before Ollama 0.3.
    var done_reason: String?
    // Durations are nanoseconds; kept for completeness, not mapped.
    var total_duration: Int?
    var load_duration: Int?
    var prompt_eval_count: Int?
    var prompt_eval_duration: Int?
    var eval_count: Int?
    var eval_duration: Int?
    var error: OllamaErrorText?
    /// The HTTP status of an error reported inside a stream, when the server knows one.
    var status: Int?
}

struct OllamaWireMessage: Decodable {
    var role: String?
    var content: String?
    /// The model's reasoning, when the request asked for `think` (or the model thinks by default).
    var thinking: String?
    var tool_calls: [OllamaWireToolCall]?
}

struct OllamaWireToolCall: Decodable {
    /// `call_` plus 8 characters in current servers; absent in older ones.
    var id: String?
    var function: Function?

    struct Function: Decodable {
        var index: Int?
        var name: String?
        /// A JSON object (not a string, unlike OpenAI). Kept as a value so a proxy's string still parses.
        var arguments: JSONValue?
    }
}

/// Ollama sends `"error": "text"`; proxies in front of it sometimes send `"error": {"message": "text"}`.
struct OllamaErrorText: Decodable {
    var message: String?

    private enum CodingKeys: String, CodingKey { case message }

    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            message = text
            return
        }
        message = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .message)
    }
}

/// The body of an error response: `{"error": "model \"x\" not found, try pulling it first"}`.
struct OllamaErrorEnvelope: Decodable {
    var error: OllamaErrorText?
}

/// `GET /api/tags`.
struct OllamaModelList: Decodable {
    var models: [Model]?

    struct Model: Decodable {
        var name: String?
        var model: String?
        var modified_at: String?
        var size: Int?
        var digest: String?
    }
}
