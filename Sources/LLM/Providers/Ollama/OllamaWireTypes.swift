// What Ollama's native API (`/api/chat`, `/api/tags`) sends back, decoded leniently: every field is
// optional, because older servers omit `done_reason`, tool-call ids and `function.index`.

/// One line of a streamed `/api/chat` reply, or the whole non-streamed reply (the same shape with
/// `done: true`). An error line inside a stream carries `error` (and sometimes `status`) instead.
struct OllamaChatChunk {
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

struct OllamaWireMessage {
    var role: String?
    var content: String?
    /// The model's reasoning, when the request asked for `think` (or the model thinks by default).
    var thinking: String?
    var tool_calls: [OllamaWireToolCall]?
}

struct OllamaWireToolCall {
    /// `call_` plus 8 characters in current servers; absent in older ones.
    var id: String?
    var function: Function?

    struct Function {
        var index: Int?
        var name: String?
        /// A JSON object (not a string, unlike OpenAI). Kept as a value so a proxy's string still parses.
        var arguments: JSONValue?
    }
}

/// Ollama sends `"error": "text"`; proxies in front of it sometimes send `"error": {"message": "text"}`.
struct OllamaErrorText {
    var message: String?
}

/// The body of an error response: `{"error": "model \"x\" not found, try pulling it first"}`.
struct OllamaErrorEnvelope {
    var error: OllamaErrorText?
}

/// `GET /api/tags`.
struct OllamaModelList {
    var models: [Model]?

    struct Model {
        var name: String?
        var model: String?
        var modified_at: String?
        var size: Int?
        var digest: String?
    }
}
