/// Turns OpenAI Chat Completions chunks into ``StreamEvent``s. Pure and incremental: feed it each
/// decoded chunk, then call ``finish()`` at `[DONE]` or the end of the body.
struct OpenAIStreamMapper {
    /// The provider's name, for the errors a stream carries.
    let provider: String
    private var started = false
    private var snapshot = TextSnapshotBuilder()
    private var reasoningOpen = false
    private var toolCalls = ToolCallAssembler()
    private var finishReason: String?
    private var usage: Usage?
    private var model: String?

    /// Whether the provider has said why it stopped (a stream that ends before this is truncated).
    var sawFinishReason: Bool { finishReason != nil }

    init(provider: String) {
        self.provider = provider
    }

    mutating func map(_ chunk: OpenAIChatChunk) throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        try map(chunk, into: &events)
        return events
    }

    /// Appends the events of `chunk` to `events` (a stream reuses that array's storage from chunk to chunk).
    mutating func map(_ chunk: OpenAIChatChunk, into events: inout [StreamEvent]) throws(LLMError) {
        if let error = chunk.error {
            throw OpenAIErrorMapping.error(status: nil, body: error, raw: nil, provider: provider, retryAfter: nil)
        }
        if let model = chunk.model, !model.isEmpty { self.model = model }
        if !started {
            started = true
            events.append(.start(id: chunk.id, model: chunk.model))
        }
        if let usage = chunk.usage { self.usage = usage.usage }
        // One reply per request (n = 1): only the first choice matters.
        guard let choice = chunk.choices?.first else { return }
        if let delta = choice.delta { append(delta, to: &events) }
        if let reason = choice.finish_reason, !reason.isEmpty { finishReason = reason }
    }

    mutating func append(_ delta: OpenAIAssistantMessage, to events: inout [StreamEvent]) {
        if let reasoning = delta.reasoning_content ?? delta.reasoning, !reasoning.isEmpty {
            if !reasoningOpen {
                reasoningOpen = true
                events.append(.reasoningStart)
            }
            events.append(.reasoningDelta(reasoning))
        }
        if let text = delta.content ?? delta.refusal, !text.isEmpty {
            reasoningOpen = false
            events.append(.textDelta(text, snapshot: snapshot.append(text)))
        }
        for call in delta.tool_calls ?? [] {
            events += toolCalls.receive(
                index: call.index, id: call.id, name: call.function?.name, arguments: call.function?.arguments)
        }
    }

    /// The closing events: the text end, each completed tool call, and the finish.
    func finish() throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        if !snapshot.isEmpty { events.append(.textEnd(snapshot.text)) }
        events += try toolCalls.finish()
        let stopReason = finishReason.map(OpenAIStreamMapper.stopReason) ?? (toolCalls.isEmpty ? .endTurn : .toolCalls)
        events.append(.finish(stopReason: stopReason, usage: usage, model: model))
        return events
    }

    static func stopReason(_ raw: String) -> StopReason {
        switch raw {
        case "stop": .endTurn
        case "length": .maxTokens
        case "tool_calls", "function_call": .toolCalls
        case "content_filter": .contentFilter
        default: .other(raw)
        }
    }
}
