// What OpenAI's Responses API (`POST /responses`) sends back, decoded leniently: every field is optional,
// because compatible servers (llama.cpp, gateways) leave out `output_index`, `sequence_number`, `model`,
// `*_details` and more.

/// A whole Response object: the non-streamed body, and the `response` of `response.*` lifecycle events.
struct OpenAIResponsesObject {
    var id: String?
    var model: String?
    /// `completed`, `incomplete`, `failed`, `in_progress`, `queued` or `cancelled`.
    var status: String?
    var output: [OpenAIResponsesOutputItem]?
    var usage: OpenAIResponsesUsage?
    /// `{code, message, type, param}`, read as Chat Completions' error is (text or an object, lenient fields).
    var error: OpenAIErrorBody?
    var incomplete_details: IncompleteDetails?

    struct IncompleteDetails {
        /// `max_output_tokens` or `content_filter`.
        var reason: String?
    }
}

/// One item of a Response's `output`: a `message`, a `function_call` or a `reasoning` item (other types,
/// such as built-in tool calls, are decoded and ignored).
struct OpenAIResponsesOutputItem {
    var type: String?
    var id: String?
    var status: String?
    // message (content: output_text / refusal parts); reasoning (content: reasoning_text parts)
    var role: String?
    var content: [Part]?
    // function_call
    var call_id: String?
    var name: String?
    var arguments: String?
    // reasoning
    var summary: [Part]?
    var encrypted_content: String?
    /// The item exactly as it came, so a reasoning item can be sent back unchanged on the next turn.
    var raw: JSONValue?

    struct Part {
        var type: String?
        var text: String?
        var refusal: String?
    }

    init(
        type: String?, id: String?, status: String?, role: String?, content: [Part]?, call_id: String?,
        name: String?, arguments: String?, summary: [Part]?, encrypted_content: String?, raw: JSONValue?
    ) {
        self.type = type
        self.id = id
        self.status = status
        self.role = role
        self.content = content
        self.call_id = call_id
        self.name = name
        self.arguments = arguments
        self.summary = summary
        self.encrypted_content = encrypted_content
        self.raw = raw
    }

    /// The visible text of a message item: its `output_text` parts, and any refusal, joined.
    var messageText: String {
        (content ?? []).map { $0.text ?? $0.refusal ?? "" }.joined()
    }

    /// The readable reasoning of a reasoning item: its summary, or (llama.cpp, gpt-oss) its `reasoning_text`.
    var reasoningText: String {
        let summaries = (summary ?? []).compactMap(\.text).filter { !$0.isEmpty }
        if !summaries.isEmpty { return summaries.joined(separator: "\n\n") }
        return (content ?? []).compactMap(\.text).joined()
    }
}

struct OpenAIResponsesUsage {
    var input_tokens: Int?
    var output_tokens: Int?
    var input_tokens_details: InputDetails?
    var output_tokens_details: OutputDetails?

    struct InputDetails {
        var cached_tokens: Int?
    }

    struct OutputDetails {
        var reasoning_tokens: Int?
    }

    /// `input_tokens` already counts cached tokens, and `output_tokens` reasoning tokens (as ``Usage`` wants).
    var usage: Usage {
        Usage(
            inputTokens: input_tokens ?? 0, outputTokens: output_tokens ?? 0,
            cacheReadTokens: input_tokens_details?.cached_tokens ?? 0,
            reasoningTokens: output_tokens_details?.reasoning_tokens ?? 0)
    }
}

/// One server-sent event's JSON; `type` (e.g. `response.output_text.delta`) says which fields are present.
struct OpenAIResponsesStreamEvent {
    var type: String?
    var response: OpenAIResponsesObject?
    var item: OpenAIResponsesOutputItem?
    var output_index: Int?
    var item_id: String?
    var content_index: Int?
    var summary_index: Int?
    var delta: String?
    var text: String?
    var arguments: String?
    // `error` events carry the error's fields at the top level; some servers nest them under `error`.
    var code: String?
    var message: String?
    var param: String?
    var error: OpenAIErrorBody?

    init(
        type: String?, response: OpenAIResponsesObject? = nil, item: OpenAIResponsesOutputItem? = nil,
        output_index: Int? = nil, item_id: String? = nil, content_index: Int? = nil, summary_index: Int? = nil,
        delta: String? = nil, text: String? = nil, arguments: String? = nil, code: String? = nil,
        message: String? = nil, param: String? = nil, error: OpenAIErrorBody? = nil
    ) {
        self.type = type
        self.response = response
        self.item = item
        self.output_index = output_index
        self.item_id = item_id
        self.content_index = content_index
        self.summary_index = summary_index
        self.delta = delta
        self.text = text
        self.arguments = arguments
        self.code = code
        self.message = message
        self.param = param
        self.error = error
    }
}
