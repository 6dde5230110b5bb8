/// Turns Anthropic Messages stream events into ``StreamEvent``s. Pure and incremental.
///
/// A whole (non-streamed) message is replayed through the same mapper as the events that would have
/// streamed it (see ``AnthropicResponseMapping``).
struct AnthropicStreamMapper {
    /// When true, a `structured_output` tool call is the JSON-schema reply: its input streams as text.
    var toolCarriesStructuredOutput: Bool
    let provider: String

    private var blocks: [Int: Block] = [:]
    private var toolCount = 0
    private var structuredOutputSeen = false
    private var snapshot = TextSnapshotBuilder()
    private var usage = AnthropicUsage()
    private var stopReason: String?
    private var model: String?
    private(set) var sawMessageStop = false

    private enum Block {
        case text
        case toolUse(position: Int, id: String, name: String, arguments: String)
        case structuredOutput
        case thinking
        case other
    }

    init(provider: String, toolCarriesStructuredOutput: Bool = false) {
        self.provider = provider
        self.toolCarriesStructuredOutput = toolCarriesStructuredOutput
    }

    mutating func map(_ event: AnthropicStreamEvent) throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        try map(event, into: &events)
        return events
    }

    /// Appends the events of `event` to `events` (a stream reuses that array's storage from chunk to chunk).
    mutating func map(_ event: AnthropicStreamEvent, into events: inout [StreamEvent]) throws(LLMError) {
        switch event.type {
        case "content_block_delta":
            guard let delta = event.delta else { return }
            apply(delta, at: event.index ?? 0, into: &events)
        case "message_start":
            let message = event.message
            model = message?.model ?? model
            if let reported = message?.usage { usage.merge(reported) }
            events.append(.start(id: message?.id, model: message?.model))
        case "content_block_start":
            guard let block = event.content_block else { return }
            try start(block, at: event.index ?? blocks.count, into: &events)
        case "content_block_stop":
            if let call = try stop(at: event.index ?? 0) { events.append(call) }
        case "message_delta":
            if let reason = event.delta?.stop_reason { stopReason = reason }
            if let reported = event.usage { usage.merge(reported) }
        case "message_stop":
            sawMessageStop = true
        case "error":
            throw AnthropicErrorMapping.error(status: nil, body: event.error, raw: nil, provider: provider, retryAfter: nil)
        default:
            // `ping` and event types added after this was written are ignored, as the API asks.
            break
        }
    }

    private mutating func start(_ block: AnthropicContentBlock, at index: Int, into events: inout [StreamEvent]) throws(LLMError) {
        switch block.type {
        case "text":
            blocks[index] = .text
            appendText(block.text ?? "", into: &events)
        case "tool_use":
            let name = block.name ?? ""
            // A whole message carries the input at once; a stream sends `{}` and then JSON deltas.
            let initial = block.input.flatMap { $0 == .object([:]) ? nil : $0.jsonString } ?? ""
            if toolCarriesStructuredOutput, name == AnthropicRequestMapping.structuredOutputToolName {
                // The answer is the first such call; a model that calls it again adds nothing to it.
                guard !structuredOutputSeen else {
                    blocks[index] = .other
                    return
                }
                structuredOutputSeen = true
                blocks[index] = .structuredOutput
                appendText(initial, into: &events)
                return
            }
            let position = toolCount
            toolCount += 1
            let id = block.id ?? "toolu_\(position)"
            blocks[index] = .toolUse(position: position, id: id, name: name, arguments: initial)
            events.append(.toolCallStart(index: position, id: id, name: name))
            if !initial.isEmpty { events.append(.toolCallDelta(index: position, arguments: initial)) }
        case "thinking":
            blocks[index] = .thinking
            events.append(.reasoningStart)
            if let text = block.thinking, !text.isEmpty { events.append(.reasoningDelta(text)) }
            if let signature = block.signature, !signature.isEmpty { events.append(.reasoningDelta("", signature: signature)) }
        case "redacted_thinking":
            blocks[index] = .other
            events.append(.reasoningRedacted(block.data ?? ""))
        default:
            blocks[index] = .other
        }
    }

    private mutating func apply(_ delta: AnthropicStreamEvent.Delta, at index: Int, into events: inout [StreamEvent]) {
        switch delta.type {
        case "text_delta":
            appendText(delta.text ?? "", into: &events)
        case "input_json_delta":
            let fragment = delta.partial_json ?? ""
            switch blocks[index] {
            case .structuredOutput?:
                appendText(fragment, into: &events)
            case .toolUse(let position, let id, let name, var arguments)?:
                guard !fragment.isEmpty else { return }
                // Out of the dictionary first, so the arguments grow in place rather than being copied.
                blocks[index] = .other
                arguments += fragment
                blocks[index] = .toolUse(position: position, id: id, name: name, arguments: arguments)
                events.append(.toolCallDelta(index: position, arguments: fragment))
            default:
                break
            }
        case "thinking_delta":
            events.append(.reasoningDelta(delta.thinking ?? ""))
        case "signature_delta":
            events.append(.reasoningDelta("", signature: delta.signature ?? ""))
        default:
            break
        }
    }

    private mutating func stop(at index: Int) throws(LLMError) -> StreamEvent? {
        guard case .toolUse(let position, let id, let name, let arguments)? = blocks[index] else { return nil }
        let parsed = try ToolArguments.parse(arguments, toolName: name)
        return .toolCall(index: position, ToolCall(id: id, name: name, arguments: parsed))
    }

    private mutating func appendText(_ text: String, into events: inout [StreamEvent]) {
        guard !text.isEmpty else { return }
        events.append(.textDelta(text, snapshot: snapshot.append(text)))
    }

    /// The closing events, once `message_stop` (or the end of a whole message) is reached.
    func finish() -> [StreamEvent] {
        var events: [StreamEvent] = []
        if !snapshot.isEmpty { events.append(.textEnd(snapshot.text)) }
        var reason = stopReason.map(AnthropicStreamMapper.stopReason) ?? .endTurn
        // The forced structured-output tool call is the answer itself, not a request for tools.
        if toolCarriesStructuredOutput, toolCount == 0, reason == .toolCalls { reason = .endTurn }
        events.append(.finish(stopReason: reason, usage: usage.usage, model: model))
        return events
    }

    static func stopReason(_ raw: String) -> StopReason {
        switch raw {
        case "end_turn", "pause_turn": .endTurn
        case "max_tokens", "model_context_window_exceeded": .maxTokens
        case "stop_sequence": .stopSequence
        case "tool_use": .toolCalls
        case "refusal": .contentFilter
        default: .other(raw)
        }
    }
}
