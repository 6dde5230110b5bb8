import NIOCore

/// Turns a provider's ``StreamEvent``s into Anthropic Messages stream events (`message_start`,
/// `content_block_start` / `_delta` / `_stop`, `message_delta`, `message_stop`), the server side of an Anthropic
/// stream. Feed it every event in order and write each returned event with ``sseEvent(_:into:)``.
///
/// Content blocks are numbered in the order they open; thinking keeps its signature (`signature_delta`); a tool
/// call that arrives whole is sent as a `tool_use` block with one `input_json_delta`.
public struct AnthropicMessagesStreamEncoder: Sendable {
    /// One event: its `event:` name and its data.
    public typealias Event = (name: String, data: JSONValue)

    private enum Open { case text, thinking, tool }

    private let id: String
    private var model: String
    private var nextBlock = 0
    private var open: (index: Int, kind: Open)?
    private var toolBlocks: [Int: Int] = [:]
    private var usage: Usage?
    private var started = false

    public init(id: String, model: String) {
        self.id = id
        self.model = model
    }

    /// The events `event` becomes.
    public mutating func events(for event: StreamEvent) -> [Event] {
        var out: [Event] = []
        switch event {
        case .start(_, let model):
            if let model, !model.isEmpty { self.model = model }
            startIfNeeded(&out)
        case .textDelta(let text, _):
            startIfNeeded(&out)
            openBlock(.text, ["type": "text", "text": ""], &out)
            out.append(delta(["type": "text_delta", "text": .string(text)]))
        case .textEnd:
            if open?.kind == .text { closeBlock(&out) }
        case .reasoningStart:
            startIfNeeded(&out)
            closeBlock(&out)
            openBlock(.thinking, ["type": "thinking", "thinking": "", "signature": ""], &out)
        case .reasoningDelta(let text, let signature):
            startIfNeeded(&out)
            openBlock(.thinking, ["type": "thinking", "thinking": "", "signature": ""], &out)
            if !text.isEmpty { out.append(delta(["type": "thinking_delta", "thinking": .string(text)])) }
            if let signature, !signature.isEmpty { out.append(delta(["type": "signature_delta", "signature": .string(signature)])) }
        case .reasoningRedacted(let data):
            startIfNeeded(&out)
            closeBlock(&out)
            _ = openNew(.thinking, ["type": "redacted_thinking", "data": .string(data)], &out)
            closeBlock(&out)
        case .toolCallStart(let index, let id, let name):
            startIfNeeded(&out)
            closeBlock(&out)
            toolBlocks[index] = openNew(.tool, ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]], &out)
        case .toolCallDelta(let index, let arguments):
            guard let block = toolBlocks[index] else { break }
            out.append(("content_block_delta", [
                "type": "content_block_delta", "index": .int(block),
                "delta": ["type": "input_json_delta", "partial_json": .string(arguments)],
            ]))
        case .toolCall(let index, let call):
            startIfNeeded(&out)
            if let block = toolBlocks[index] {
                if open?.index == block { closeBlock(&out) }
            } else {
                closeBlock(&out)
                toolBlocks[index] = openNew(.tool, ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": [:]], &out)
                out.append(delta(["type": "input_json_delta", "partial_json": .string(call.arguments.jsonString)]))
                closeBlock(&out)
            }
        case .usage(let usage):
            self.usage = usage
        case .finish(let stopReason, let usage, let model):
            if let model, !model.isEmpty { self.model = model }
            startIfNeeded(&out)
            closeBlock(&out)
            out.append(("message_delta", [
                "type": "message_delta",
                "delta": ["stop_reason": .string(AnthropicMessagesServerResponse.stopReason(stopReason)), "stop_sequence": .null],
                "usage": AnthropicMessagesServerResponse.usage(usage ?? self.usage ?? Usage()),
            ]))
            out.append(("message_stop", ["type": "message_stop"]))
        }
        return out
    }

    /// The `error` event that ends a stream that failed after it began.
    public static func errorEvent(_ error: LLMError) -> Event {
        ("error", AnthropicMessagesServerResponse.streamError(error))
    }

    /// Writes one event as SSE (`event: name`, `data: {…}`, a blank line).
    public static func sseEvent(_ event: Event, into buffer: inout ByteBuffer) {
        buffer.writeString("event: ")
        buffer.writeString(event.name)
        buffer.writeString("\ndata: ")
        event.data.writeJSON(to: &buffer)
        buffer.writeString("\n\n")
    }

    // MARK: Blocks

    private mutating func startIfNeeded(_ out: inout [Event]) {
        guard !started else { return }
        started = true
        out.append(("message_start", [
            "type": "message_start",
            "message": [
                "id": .string(id), "type": "message", "role": "assistant", "model": .string(model), "content": [],
                "stop_reason": .null, "stop_sequence": .null, "usage": ["input_tokens": 0, "output_tokens": 0],
            ],
        ]))
    }

    /// Opens a block of `kind` unless one is open already.
    private mutating func openBlock(_ kind: Open, _ block: JSONValue, _ out: inout [Event]) {
        if open?.kind == kind { return }
        closeBlock(&out)
        _ = openNew(kind, block, &out)
    }

    private mutating func openNew(_ kind: Open, _ block: JSONValue, _ out: inout [Event]) -> Int {
        let index = nextBlock
        nextBlock += 1
        open = (index, kind)
        out.append(("content_block_start", ["type": "content_block_start", "index": .int(index), "content_block": block]))
        return index
    }

    private mutating func closeBlock(_ out: inout [Event]) {
        guard let (index, _) = open else { return }
        open = nil
        out.append(("content_block_stop", ["type": "content_block_stop", "index": .int(index)]))
    }

    private func delta(_ delta: JSONValue) -> Event {
        ("content_block_delta", ["type": "content_block_delta", "index": .int(open?.index ?? 0), "delta": delta])
    }
}
