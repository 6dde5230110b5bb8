import NIOCore

/// Turns a provider's ``StreamEvent``s into Responses API stream events, the server side of a Responses stream. Feed
/// it every event in order and write each returned event with ``sseEvent(_:into:)``; a failure after the stream began
/// is ``failed(_:)``'s `response.failed`.
///
/// The events follow the API's lifecycle: `response.created` and `response.in_progress`, then per output item
/// `response.output_item.added`, its deltas (`output_text`, `reasoning_summary_text`, `function_call_arguments`) and
/// their `.done` events, `response.output_item.done`, and at the end `response.completed` (or `response.incomplete`)
/// with the whole Response, which is what the SDKs' stream helpers return as the final response.
public struct OpenAIResponsesStreamEncoder: Sendable {
    private let id: String
    private let createdAt: Int
    private var model: String
    private var sequence = 0
    private var started = false
    /// Finished items by their output index, for the final Response.
    private var finished: [Int: JSONValue] = [:]
    private var current: OpenItem?
    /// Function calls still open, by the provider's index.
    private var calls: [Int: Call] = [:]
    private var usage: Usage?

    private enum OpenItem: Sendable {
        case message(outputIndex: Int, id: String, text: String)
        case reasoning(outputIndex: Int, id: String, block: ReasoningBlock, summaryOpen: Bool)
    }

    private struct Call: Sendable {
        var outputIndex: Int
        var itemID: String
        var callID: String
        var name: String
        var arguments: String
    }

    public init(id: String, createdAt: Int, model: String) {
        self.id = id
        self.createdAt = createdAt
        self.model = model
    }

    /// The Responses events `event` becomes.
    public mutating func events(for event: StreamEvent) -> [JSONValue] {
        var out: [JSONValue] = []
        if case .start(_, let model?) = event, !model.isEmpty { self.model = model }
        startIfNeeded(&out)
        switch event {
        case .start, .textEnd:
            if case .textEnd = event { closeCurrent(&out) }
        case .textDelta(let text, _):
            guard !text.isEmpty else { break }
            let (index, itemID, sofar) = openMessage(&out)
            current = .message(outputIndex: index, id: itemID, text: sofar + text)
            emit(&out, "response.output_text.delta", [
                "item_id": .string(itemID), "output_index": .int(index), "content_index": 0, "delta": .string(text), "logprobs": [],
            ])
        case .reasoningStart:
            closeCurrent(&out)
            openReasoning(&out)
        case .reasoningDelta(let text, let signature):
            if case .reasoning = current {} else { closeCurrent(&out); openReasoning(&out) }
            guard case .reasoning(let index, let itemID, var block, var summaryOpen) = current else { break }
            if !text.isEmpty {
                if !summaryOpen {
                    summaryOpen = true
                    emit(&out, "response.reasoning_summary_part.added", [
                        "item_id": .string(itemID), "output_index": .int(index), "summary_index": 0,
                        "part": ["type": "summary_text", "text": ""],
                    ])
                }
                block.text += text
                emit(&out, "response.reasoning_summary_text.delta", [
                    "item_id": .string(itemID), "output_index": .int(index), "summary_index": 0, "delta": .string(text),
                ])
            }
            if let signature { block.signature = (block.signature ?? "") + signature }
            current = .reasoning(outputIndex: index, id: itemID, block: block, summaryOpen: summaryOpen)
        case .reasoningRedacted(let data):
            closeCurrent(&out)
            openReasoning(&out)
            if case .reasoning(let index, let itemID, var block, let summaryOpen) = current {
                block.redactedData = data
                current = .reasoning(outputIndex: index, id: itemID, block: block, summaryOpen: summaryOpen)
            }
        case .toolCallStart(let index, let callID, let name):
            openCall(index, callID: callID, name: name, &out)
        case .toolCallDelta(let index, let arguments):
            guard var call = calls[index], !arguments.isEmpty else { break }
            call.arguments += arguments
            calls[index] = call
            emit(&out, "response.function_call_arguments.delta", [
                "item_id": .string(call.itemID), "output_index": .int(call.outputIndex), "delta": .string(arguments),
            ])
        case .toolCall(let index, let whole):
            if calls[index] == nil {
                openCall(index, callID: whole.id, name: whole.name, &out)
                calls[index]?.arguments = whole.arguments.jsonString
            }
            closeCall(index, &out)
        case .usage(let usage):
            self.usage = usage
        case .finish(let stopReason, let usage, let model):
            if let model, !model.isEmpty { self.model = model }
            closeCurrent(&out)
            for index in calls.keys.sorted() { closeCall(index, &out) }
            let status = OpenAIResponsesServerResponse.status(stopReason)
            let response = OpenAIResponsesServerResponse.object(
                id: id, createdAt: createdAt, model: self.model, status: status, output: output, usage: usage ?? self.usage ?? Usage(),
                stopReason: stopReason)
            emit(&out, status == "incomplete" ? "response.incomplete" : "response.completed", ["response": response])
        }
        return out
    }

    /// The `response.failed` event for an error after the stream began, with the output so far and the error's
    /// `code` and `message` (the codes of Chat Completions' errors, which the SDKs and this library classify).
    public mutating func failed(_ error: LLMError) -> [JSONValue] {
        var out: [JSONValue] = []
        startIfNeeded(&out)
        let body = OpenAIResponsesServerResponse.error(error).body["error"] ?? [:]
        let code = body["code"].flatMap { $0 == .null ? nil : $0 } ?? body["type"] ?? "server_error"
        let response = OpenAIResponsesServerResponse.object(
            id: id, createdAt: createdAt, model: model, status: "failed", output: output, usage: usage,
            error: ["code": code, "message": body["message"] ?? ""])
        emit(&out, "response.failed", ["response": response])
        return out
    }

    /// Writes `event` as one SSE event, named by its `type` as the Responses API names them.
    public static func sseEvent(_ event: JSONValue, into buffer: inout ByteBuffer) {
        if let type = event["type"]?.stringValue {
            buffer.writeString("event: ")
            buffer.writeString(type)
            buffer.writeString("\n")
        }
        buffer.writeString("data: ")
        event.writeJSON(to: &buffer)
        buffer.writeString("\n\n")
    }

    // MARK: Items

    private mutating func emit(_ out: inout [JSONValue], _ type: String, _ fields: [String: JSONValue]) {
        var event = fields
        event["type"] = .string(type)
        event["sequence_number"] = .int(sequence)
        sequence += 1
        out.append(.object(event))
    }

    private mutating func startIfNeeded(_ out: inout [JSONValue]) {
        guard !started else { return }
        started = true
        let response = OpenAIResponsesServerResponse.object(
            id: id, createdAt: createdAt, model: model, status: "in_progress", output: [], usage: nil)
        emit(&out, "response.created", ["response": response])
        emit(&out, "response.in_progress", ["response": response])
    }

    /// The place the next item takes: after every finished item and every open call.
    private var nextOutputIndex: Int { finished.count + calls.count + (current == nil ? 0 : 1) }

    /// The finished items in output order.
    private var output: [JSONValue] { finished.sorted { $0.key < $1.key }.map(\.value) }

    /// The open message item, opened if another item (or none) was open.
    private mutating func openMessage(_ out: inout [JSONValue]) -> (Int, String, String) {
        if case .message(let index, let itemID, let text) = current { return (index, itemID, text) }
        closeCurrent(&out)
        let index = nextOutputIndex
        let itemID = OpenAIResponsesServerResponse.itemID("msg", index, of: id)
        emit(&out, "response.output_item.added", [
            "output_index": .int(index), "item": OpenAIResponsesServerResponse.messageItem(text: "", id: itemID, done: false),
        ])
        emit(&out, "response.content_part.added", [
            "item_id": .string(itemID), "output_index": .int(index), "content_index": 0,
            "part": OpenAIResponsesServerResponse.outputText(""),
        ])
        current = .message(outputIndex: index, id: itemID, text: "")
        return (index, itemID, "")
    }

    private mutating func openReasoning(_ out: inout [JSONValue]) {
        let index = nextOutputIndex
        let itemID = OpenAIResponsesServerResponse.itemID("rs", index, of: id)
        emit(&out, "response.output_item.added", [
            "output_index": .int(index), "item": ["type": "reasoning", "id": .string(itemID), "summary": []],
        ])
        current = .reasoning(outputIndex: index, id: itemID, block: ReasoningBlock(), summaryOpen: false)
    }

    private mutating func closeCurrent(_ out: inout [JSONValue]) {
        switch current {
        case .message(let index, let itemID, let text)?:
            let part = OpenAIResponsesServerResponse.outputText(text)
            emit(&out, "response.output_text.done", [
                "item_id": .string(itemID), "output_index": .int(index), "content_index": 0, "text": .string(text), "logprobs": [],
            ])
            emit(&out, "response.content_part.done", ["item_id": .string(itemID), "output_index": .int(index), "content_index": 0, "part": part])
            finishItem(OpenAIResponsesServerResponse.messageItem(text: text, id: itemID, done: true), at: index, &out)
        case .reasoning(let index, let itemID, let block, let summaryOpen)?:
            if summaryOpen {
                emit(&out, "response.reasoning_summary_text.done", [
                    "item_id": .string(itemID), "output_index": .int(index), "summary_index": 0, "text": .string(block.text),
                ])
                emit(&out, "response.reasoning_summary_part.done", [
                    "item_id": .string(itemID), "output_index": .int(index), "summary_index": 0,
                    "part": ["type": "summary_text", "text": .string(block.text)],
                ])
            }
            finishItem(OpenAIResponsesServerResponse.reasoningItem(block, id: itemID), at: index, &out)
        case nil:
            break
        }
        current = nil
    }

    private mutating func openCall(_ index: Int, callID: String, name: String, _ out: inout [JSONValue]) {
        closeCurrent(&out)
        let outputIndex = nextOutputIndex
        let itemID = OpenAIResponsesServerResponse.itemID("fc", outputIndex, of: id)
        calls[index] = Call(outputIndex: outputIndex, itemID: itemID, callID: callID, name: name, arguments: "")
        emit(&out, "response.output_item.added", [
            "output_index": .int(outputIndex),
            "item": OpenAIResponsesServerResponse.functionCallItem(
                ToolCall(id: callID, name: name, arguments: [:]), id: itemID, arguments: "", done: false),
        ])
    }

    private mutating func closeCall(_ index: Int, _ out: inout [JSONValue]) {
        guard let call = calls.removeValue(forKey: index) else { return }
        emit(&out, "response.function_call_arguments.done", [
            "item_id": .string(call.itemID), "output_index": .int(call.outputIndex), "arguments": .string(call.arguments),
        ])
        let item = OpenAIResponsesServerResponse.functionCallItem(
            ToolCall(id: call.callID, name: call.name, arguments: [:]), id: call.itemID, arguments: call.arguments, done: true)
        finishItem(item, at: call.outputIndex, &out)
    }

    /// `response.output_item.done`, and the item kept, in its place, for the final Response.
    private mutating func finishItem(_ item: JSONValue, at index: Int, _ out: inout [JSONValue]) {
        emit(&out, "response.output_item.done", ["output_index": .int(index), "item": item])
        finished[index] = item
    }
}
