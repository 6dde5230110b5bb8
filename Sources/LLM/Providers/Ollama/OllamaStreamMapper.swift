/// Turns Ollama `/api/chat` chunks (NDJSON lines) into ``StreamEvent``s. Pure and incremental: feed it
/// each decoded line, then call ``finish()`` once a line with `done: true` has arrived.
///
/// A non-streamed reply is one such chunk and goes through the same mapper (see ``OllamaResponseMapping``).
struct OllamaStreamMapper {
    let provider: String

    private var started = false
    private var snapshot = TextSnapshotBuilder()
    private var reasoningOpen = false
    private var toolCount = 0
    private var doneReason: String?
    private var usage: Usage?
    private var model: String?
    /// Whether the `done: true` line arrived (a stream that ends before it is truncated).
    private(set) var sawDone = false

    init(provider: String) {
        self.provider = provider
    }

    mutating func map(_ chunk: OllamaChatChunk) throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        try map(chunk, into: &events)
        return events
    }

    /// Appends the events of `chunk` to `events` (a stream reuses that array's storage from line to line).
    mutating func map(_ chunk: OllamaChatChunk, into events: inout [StreamEvent]) throws(LLMError) {
        // Once the 200 head is sent, Ollama reports failures as an `{"error": ...}` line.
        if let error = chunk.error {
            throw OllamaErrorMapping.error(
                status: chunk.status, message: error.message, raw: nil, provider: provider, retryAfter: nil)
        }
        if let model = chunk.model, !model.isEmpty { self.model = model }
        if !started {
            started = true
            // Ollama gives a reply no id.
            events.append(.start(id: nil, model: model))
        }
        if let message = chunk.message { try append(message, to: &events) }
        if chunk.done == true {
            sawDone = true
            doneReason = chunk.done_reason
            usage = Usage(inputTokens: chunk.prompt_eval_count ?? 0, outputTokens: chunk.eval_count ?? 0)
        }
    }

    private mutating func append(_ message: OllamaWireMessage, to events: inout [StreamEvent]) throws(LLMError) {
        if let thinking = message.thinking, !thinking.isEmpty {
            if !reasoningOpen {
                reasoningOpen = true
                events.append(.reasoningStart)
            }
            events.append(.reasoningDelta(thinking))
        }
        if let text = message.content, !text.isEmpty {
            reasoningOpen = false
            events.append(.textDelta(text, snapshot: snapshot.append(text)))
        }
        // Each entry is a whole call (Ollama never splits one across lines), so calls are numbered in
        // order of arrival; `function.index` is not used, as older servers restart it on every line.
        for call in message.tool_calls ?? [] {
            reasoningOpen = false
            let position = toolCount
            toolCount += 1
            let name = call.function?.name ?? ""
            // Servers before 0.12 send no id; a position-based one keeps tool results matched.
            let id = call.id.flatMap { $0.isEmpty ? nil : $0 } ?? "call_\(position)"
            let arguments = try Self.arguments(call.function?.arguments, toolName: name)
            events.append(.toolCallStart(index: position, id: id, name: name))
            events.append(.toolCallDelta(index: position, arguments: arguments.jsonString))
            events.append(.toolCall(index: position, ToolCall(id: id, name: name, arguments: arguments)))
        }
    }

    /// Arguments are a JSON object; a proxy that re-encodes them as a string is parsed too.
    static func arguments(_ value: JSONValue?, toolName: String) throws(LLMError) -> JSONValue {
        switch value {
        case nil, .null?: return .object([:])
        case .object(let object)?: return .object(object)
        case .string(let text)?: return try ToolArguments.parse(text, toolName: toolName)
        case let other?:
            throw .invalidToolArguments(toolName: toolName, raw: other.jsonString, reason: "expected a JSON object")
        }
    }

    /// The closing events: the text end and the finish.
    func finish() -> [StreamEvent] {
        var events: [StreamEvent] = []
        if !snapshot.isEmpty { events.append(.textEnd(snapshot.text)) }
        events.append(.finish(stopReason: Self.stopReason(doneReason, calledTools: toolCount > 0), usage: usage, model: model))
        return events
    }

    /// Ollama says `"stop"` for a finished answer whether or not it called tools.
    static func stopReason(_ raw: String?, calledTools: Bool) -> StopReason {
        switch raw {
        case nil, "", "stop": calledTools ? .toolCalls : .endTurn
        case "length": .maxTokens
        case let raw?: .other(raw)
        }
    }
}
