/// The server side of the OpenAI Responses format for whole replies and errors.
///
/// A reply's `output` holds, in order, its reasoning items, one assistant `message` and its `function_call`s, as the
/// Responses API produces them. A stop on the token limit or the content filter is `status: "incomplete"` with its
/// reason; anything else is `completed` (the SDKs tell a tool turn by its `function_call` items).
public enum OpenAIResponsesServerResponse {
    /// A `response` object for `response`.
    ///
    /// - Parameters:
    ///   - response: the reply to write.
    ///   - id: the response's id (e.g. `"resp_…"`).
    ///   - createdAt: its Unix time in seconds.
    public static func response(_ response: LLMResponse, id: String, createdAt: Int) -> JSONValue {
        var output: [JSONValue] = response.reasoning.enumerated().map { index, block in
            reasoningItem(block, id: block.id ?? itemID("rs", index, of: id))
        }
        if !response.content.isEmpty {
            output.append(messageItem(text: response.content, id: itemID("msg", output.count, of: id), done: true))
        }
        for call in response.toolCalls {
            output.append(functionCallItem(call, id: itemID("fc", output.count, of: id), arguments: call.arguments.jsonString, done: true))
        }
        return object(
            id: id, createdAt: createdAt, model: response.model, status: status(response.stopReason), output: output,
            usage: response.usage, stopReason: response.stopReason)
    }

    /// The Response object around `output`, as whole replies and the stream's `response.*` events carry it.
    static func object(
        id: String, createdAt: Int, model: String, status: String, output: [JSONValue], usage: Usage?,
        stopReason: StopReason? = nil, error: JSONValue = .null
    ) -> JSONValue {
        var incomplete: JSONValue = .null
        if status == "incomplete", let stopReason { incomplete = ["reason": .string(incompleteReason(stopReason))] }
        return [
            "id": .string(id), "object": "response", "created_at": .int(createdAt), "status": .string(status),
            "model": .string(model), "output": .array(output), "error": error, "incomplete_details": incomplete,
            "instructions": .null, "metadata": [:], "parallel_tool_calls": true, "temperature": .null, "top_p": .null,
            "tool_choice": "auto", "tools": [], "text": ["format": ["type": "text"]], "store": false,
            "usage": usage.map(self.usage) ?? .null,
        ]
    }

    /// `completed`, or `incomplete` for a stop that cut the reply short.
    static func status(_ reason: StopReason) -> String {
        switch reason {
        case .maxTokens, .contentFilter: "incomplete"
        default: "completed"
        }
    }

    private static func incompleteReason(_ reason: StopReason) -> String {
        reason == .contentFilter ? "content_filter" : "max_output_tokens"
    }

    /// The `usage` object; `input_tokens` counts cached tokens and `output_tokens` reasoning tokens, as ``Usage`` does.
    static func usage(_ usage: Usage) -> JSONValue {
        [
            "input_tokens": .int(usage.inputTokens), "input_tokens_details": ["cached_tokens": .int(usage.cacheReadTokens)],
            "output_tokens": .int(usage.outputTokens), "output_tokens_details": ["reasoning_tokens": .int(usage.reasoningTokens)],
            "total_tokens": .int(usage.totalTokens),
        ]
    }

    // MARK: Items

    /// An output item's id: its kind, its place, and the response's id, so ids are unique and stable per response.
    static func itemID(_ kind: String, _ index: Int, of responseID: String) -> String {
        "\(kind)_\(index)_\(responseID)"
    }

    static func messageItem(text: String, id: String, done: Bool) -> JSONValue {
        [
            "type": "message", "id": .string(id), "status": done ? "completed" : "in_progress", "role": "assistant",
            "content": done ? [outputText(text)] : [],
        ]
    }

    static func outputText(_ text: String) -> JSONValue {
        ["type": "output_text", "text": .string(text), "annotations": []]
    }

    static func functionCallItem(_ call: ToolCall, id: String, arguments: String, done: Bool) -> JSONValue {
        [
            "type": "function_call", "id": .string(id), "call_id": .string(call.id), "name": .string(call.name),
            "arguments": .string(arguments), "status": done ? "completed" : "in_progress",
        ]
    }

    /// A reasoning block as a `reasoning` item with the id the client saw announced. The block's signature (another
    /// provider's signature, or the whole item a Responses backend sent) or its redacted reasoning is the item's
    /// `encrypted_content`, which clients keep opaque and send back as they got it.
    static func reasoningItem(_ block: ReasoningBlock, id: String) -> JSONValue {
        var item: [String: JSONValue] = [
            "type": "reasoning", "id": .string(id),
            "summary": block.text.isEmpty ? [] : [["type": "summary_text", "text": .string(block.text)]],
        ]
        if let encrypted = block.signature ?? block.redactedData { item["encrypted_content"] = .string(encrypted) }
        return .object(item)
    }

    // MARK: Errors

    /// The HTTP status, body and headers for `error`: the same `{"error": {...}}` as Chat Completions, which the SDKs
    /// read into their typed errors, with `Retry-After` when the error names a delay.
    public static func error(_ error: LLMError) -> (status: Int, body: JSONValue, headers: [(String, String)]) {
        OpenAIChatServerResponse.error(error)
    }
}
