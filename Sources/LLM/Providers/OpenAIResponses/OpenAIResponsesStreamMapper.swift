/// Turns Responses API stream events into ``StreamEvent``s. Pure and incremental: feed it each decoded
/// event, then call ``finish()`` once ``isFinished`` (after `response.completed` or `response.incomplete`).
///
/// A whole (non-streamed) Response is replayed through the same mapper as the events that would have
/// streamed it (see ``OpenAIResponsesResponseMapping``): `output_item.added` only opens an item, and
/// `output_item.done` supplies whatever the item holds that no delta delivered.
///
/// Reasoning items: the summary text streams as reasoning deltas, and the finished item (its `id` and
/// `encrypted_content`, which arrive only in `output_item.done`) becomes the block's `signature`, as the
/// item's JSON, so the next turn can send it back unchanged. (``StreamEvent`` has no event that sets a
/// block's `id` or `redactedData`; the request mapping also accepts blocks built with those.)
struct OpenAIResponsesStreamMapper {
    let provider: String

    private var started = false
    private var snapshot = TextSnapshotBuilder()
    private var items: [Item] = []
    private var itemByID: [String: Int] = [:]
    private var itemByOutputIndex: [Int: Int] = [:]
    /// The reasoning item whose block is the accumulator's open one (nothing else has been emitted since).
    private var openReasoning: Int?
    private var toolCount = 0
    private var usage: Usage?
    private var model: String?
    private var status: String?
    private var incompleteReason: String?
    /// Whether the terminal event (`response.completed` / `response.incomplete`) has arrived.
    private(set) var isFinished = false

    private struct Item {
        enum Kind {
            case message
            case functionCall(position: Int, callID: String, name: String)
            case reasoning
            case other
        }

        var kind: Kind
        /// Text, reasoning or argument text delivered so far by deltas.
        var delivered = ""
        /// The summary or content part the last reasoning delta belonged to.
        var part: Int?
        /// The complete arguments from `function_call_arguments.done`.
        var finalArguments: String?
        var done = false
    }

    init(provider: String) {
        self.provider = provider
    }

    mutating func map(_ event: OpenAIResponsesStreamEvent) throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        try map(event, into: &events)
        return events
    }

    /// Appends the events of `event` to `events` (a stream reuses that array's storage from event to event).
    mutating func map(_ event: OpenAIResponsesStreamEvent, into events: inout [StreamEvent]) throws(LLMError) {
        if !started {
            started = true
            events.append(.start(id: event.response?.id, model: event.response?.model.flatMap { $0.isEmpty ? nil : $0 }))
        }
        if let model = event.response?.model, !model.isEmpty { self.model = model }
        switch event.type {
        case "response.output_item.added":
            if let item = event.item { open(item, outputIndex: event.output_index, into: &events) }
        case "response.output_text.delta", "response.refusal.delta":
            appendText(event.delta ?? "", to: find(event), into: &events)
        case "response.output_text.done", "response.refusal.done":
            // Only for servers that skip the deltas; normally the text has already arrived.
            if let index = find(event), items[index].delivered.isEmpty { appendText(event.text ?? "", to: index, into: &events) }
        case "response.function_call_arguments.delta":
            appendArguments(event.delta ?? "", to: find(event), into: &events)
        case "response.function_call_arguments.done":
            if let index = find(event), let arguments = event.arguments { items[index].finalArguments = arguments }
        case "response.reasoning_summary_text.delta", "response.reasoning_text.delta":
            appendReasoning(event.delta ?? "", part: event.summary_index ?? event.content_index, event: event, into: &events)
        case "response.output_item.done":
            if let item = event.item { try close(item, outputIndex: event.output_index, into: &events) }
        case "response.completed", "response.incomplete":
            isFinished = true
            status = event.response?.status ?? (event.type == "response.incomplete" ? "incomplete" : "completed")
            incompleteReason = event.response?.incomplete_details?.reason
            if let usage = event.response?.usage { self.usage = usage.usage }
        case "response.failed":
            throw OpenAIResponsesErrorMapping.error(streamed: event.response?.error, provider: provider)
        case "error":
            let error = event.error ?? OpenAIErrorBody(message: event.message, code: event.code, param: event.param)
            throw OpenAIResponsesErrorMapping.error(streamed: error, provider: provider)
        default:
            // `response.created`, `response.in_progress`, content and summary part events, built-in tool
            // progress, and event types added after this was written carry nothing more for us.
            break
        }
    }

    // MARK: - Items

    private func find(_ event: OpenAIResponsesStreamEvent) -> Int? {
        if let id = event.item_id, let index = itemByID[id] { return index }
        if let outputIndex = event.output_index, let index = itemByOutputIndex[outputIndex] { return index }
        // llama.cpp sends neither for some events: continue the latest item.
        return event.item_id == nil && event.output_index == nil && !items.isEmpty ? items.count - 1 : nil
    }

    private mutating func register(_ kind: Item.Kind, id: String?, outputIndex: Int?) -> Int {
        items.append(Item(kind: kind))
        let index = items.count - 1
        if let id { itemByID[id] = index }
        if let outputIndex { itemByOutputIndex[outputIndex] = index }
        return index
    }

    private mutating func open(_ item: OpenAIResponsesOutputItem, outputIndex: Int?, into events: inout [StreamEvent]) {
        switch item.type {
        case "function_call":
            let position = toolCount
            toolCount += 1
            let callID = item.call_id ?? item.id ?? "call_\(position)"
            let name = item.name ?? ""
            _ = register(.functionCall(position: position, callID: callID, name: name), id: item.id, outputIndex: outputIndex)
            openReasoning = nil
            events.append(.toolCallStart(index: position, id: callID, name: name))
        case "reasoning":
            openReasoning = register(.reasoning, id: item.id, outputIndex: outputIndex)
            events.append(.reasoningStart)
        case "message":
            _ = register(.message, id: item.id, outputIndex: outputIndex)
        default:
            _ = register(.other, id: item.id, outputIndex: outputIndex)
        }
    }

    private mutating func close(_ item: OpenAIResponsesOutputItem, outputIndex: Int?, into events: inout [StreamEvent]) throws(LLMError) {
        var found = item.id.flatMap { itemByID[$0] } ?? outputIndex.flatMap { itemByOutputIndex[$0] }
        if found == nil {
            // A server that never announced the item.
            open(item, outputIndex: outputIndex, into: &events)
            found = items.count - 1
        }
        guard let index = found, !items[index].done else { return }
        items[index].done = true
        switch items[index].kind {
        case .message:
            if items[index].delivered.isEmpty { appendText(item.messageText, to: index, into: &events) }
        case .functionCall(let position, let callID, let name):
            let arguments = item.arguments ?? items[index].finalArguments ?? items[index].delivered
            let toolName = item.name ?? name
            let parsed = try ToolArguments.parse(arguments, toolName: toolName)
            openReasoning = nil
            events.append(.toolCall(index: position, ToolCall(id: item.call_id ?? callID, name: toolName, arguments: parsed)))
        case .reasoning:
            // A server that closes the item after later output (llama.cpp) has moved past its block, and
            // sends no encrypted content to keep; only the item still open can take its text and signature.
            guard openReasoning == index else { break }
            let text = item.reasoningText
            if items[index].delivered.isEmpty, !text.isEmpty {
                items[index].delivered = text
                events.append(.reasoningDelta(text))
            }
            if item.id != nil, let raw = item.raw {
                events.append(.reasoningDelta("", signature: raw.jsonString))
            }
        case .other:
            break
        }
    }

    // MARK: - Deltas

    private mutating func appendText(_ text: String, to index: Int?, into events: inout [StreamEvent]) {
        guard !text.isEmpty else { return }
        if let index { items[index].delivered += text }
        openReasoning = nil
        events.append(.textDelta(text, snapshot: snapshot.append(text)))
    }

    private mutating func appendArguments(_ fragment: String, to index: Int?, into events: inout [StreamEvent]) {
        guard !fragment.isEmpty, let index, case .functionCall(let position, _, _) = items[index].kind else { return }
        items[index].delivered += fragment
        events.append(.toolCallDelta(index: position, arguments: fragment))
    }

    private mutating func appendReasoning(
        _ text: String, part: Int?, event: OpenAIResponsesStreamEvent, into events: inout [StreamEvent]
    ) {
        var found = find(event)
        if found.map({ if case .reasoning = items[$0].kind { false } else { true } }) ?? true {
            // A reasoning delta for an item never announced: open one.
            found = register(.reasoning, id: event.item_id, outputIndex: event.output_index)
            openReasoning = found
            events.append(.reasoningStart)
        }
        guard let index = found, !text.isEmpty else { return }
        // Summary parts are separate paragraphs.
        if let part, let previous = items[index].part, part != previous { events.append(.reasoningDelta("\n\n")) }
        if let part { items[index].part = part }
        items[index].delivered += text
        events.append(.reasoningDelta(text))
    }

    // MARK: - Finish

    /// The closing events: the text end, any tool call the stream left open, and the finish.
    func finish() throws(LLMError) -> [StreamEvent] {
        var events: [StreamEvent] = []
        if !snapshot.isEmpty { events.append(.textEnd(snapshot.text)) }
        for item in items where !item.done {
            guard case .functionCall(let position, let callID, let name) = item.kind else { continue }
            let arguments = try ToolArguments.parse(item.finalArguments ?? item.delivered, toolName: name)
            events.append(.toolCall(index: position, ToolCall(id: callID, name: name, arguments: arguments)))
        }
        events.append(.finish(stopReason: stopReason, usage: usage, model: model))
        return events
    }

    private var stopReason: StopReason {
        switch status {
        case "incomplete":
            switch incompleteReason {
            case "max_output_tokens"?: return .maxTokens
            case "content_filter"?: return .contentFilter
            case let reason?: return .other(reason)
            case nil: return .other("incomplete")
            }
        case "completed"?, nil:
            return toolCount > 0 ? .toolCalls : .endTurn
        case let other?:
            return .other(other)
        }
    }
}
