import NIOCore

/// Turns a provider's ``StreamEvent``s into Chat Completions stream chunks (`chat.completion.chunk`), the server
/// side of an OpenAI stream. Feed it every event in order; write each returned chunk as one SSE event
/// (``sseEvent(_:into:)``), and after the finish ``done``.
///
/// Tool calls get OpenAI's indices (0, 1, … in the order they start, whatever indices the provider used); a call
/// that arrives whole (providers that do not stream arguments) is sent as one chunk with its name and arguments.
/// With `includeUsage`, the usage comes in a last chunk with no choices, as OpenAI sends it for
/// `stream_options.include_usage`.
public struct OpenAIChatStreamEncoder: Sendable {
    private let id: String
    private let created: Int
    private var model: String
    private let includeUsage: Bool
    private var openAIIndex: [Int: Int] = [:]
    private var usage: Usage?
    private var sentRole = false

    public init(id: String, created: Int, model: String, includeUsage: Bool) {
        self.id = id
        self.created = created
        self.model = model
        self.includeUsage = includeUsage
    }

    /// The chunks `event` becomes: none, one, or (at the finish) two.
    public mutating func chunks(for event: StreamEvent) -> [JSONValue] {
        switch event {
        case .start(_, let model):
            if let model, !model.isEmpty { self.model = model }
            return [roleChunk()]
        case .textDelta(let text, _):
            return withRole(chunk(delta: ["content": .string(text)]))
        case .reasoningDelta(let text, _):
            return withRole(chunk(delta: ["reasoning_content": .string(text)]))
        case .toolCallStart(let index, let id, let name):
            let position = position(of: index)
            return withRole(chunk(delta: ["tool_calls": [[
                "index": .int(position), "id": .string(id), "type": "function",
                "function": ["name": .string(name), "arguments": ""],
            ]]]))
        case .toolCallDelta(let index, let arguments):
            return withRole(chunk(delta: ["tool_calls": [["index": .int(position(of: index)), "function": ["arguments": .string(arguments)]]]]))
        case .toolCall(let index, let call):
            guard openAIIndex[index] == nil else { return [] }  // already streamed
            return withRole(chunk(delta: ["tool_calls": [[
                "index": .int(position(of: index)), "id": .string(call.id), "type": "function",
                "function": ["name": .string(call.name), "arguments": .string(call.arguments.jsonString)],
            ]]]))
        case .usage(let usage):
            self.usage = usage
            return []
        case .finish(let stopReason, let usage, let model):
            if let model, !model.isEmpty { self.model = model }
            var chunks = withRole(chunk(delta: [:], finishReason: OpenAIChatServerResponse.finishReason(stopReason)))
            if includeUsage {
                var last = base()
                last["choices"] = []
                last["usage"] = OpenAIChatServerResponse.usage(usage ?? self.usage ?? Usage())
                chunks.append(.object(last))
            }
            return chunks
        case .textEnd, .reasoningStart, .reasoningRedacted:
            return []
        }
    }

    /// The SSE event that ends an OpenAI stream.
    public static let done = "data: [DONE]\n\n"

    /// Writes `chunk` as one SSE event (`data: {…}` and a blank line).
    public static func sseEvent(_ chunk: JSONValue, into buffer: inout ByteBuffer) {
        buffer.writeString("data: ")
        chunk.writeJSON(to: &buffer)
        buffer.writeString("\n\n")
    }

    // MARK: Chunks

    private mutating func position(of index: Int) -> Int {
        if let known = openAIIndex[index] { return known }
        let next = openAIIndex.count
        openAIIndex[index] = next
        return next
    }

    private func base() -> [String: JSONValue] {
        ["id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(model)]
    }

    private func chunk(delta: [String: JSONValue], finishReason: String? = nil) -> JSONValue {
        var chunk = base()
        chunk["choices"] = [["index": 0, "delta": .object(delta), "finish_reason": finishReason.map(JSONValue.string) ?? .null]]
        return .object(chunk)
    }

    /// The first chunk says the role, as OpenAI's do.
    private mutating func roleChunk() -> JSONValue {
        sentRole = true
        return chunk(delta: ["role": "assistant", "content": ""])
    }

    /// `chunk`, after the role chunk if none was sent yet (a stream without a start event).
    private mutating func withRole(_ chunk: JSONValue) -> [JSONValue] {
        sentRole ? [chunk] : [roleChunk(), chunk]
    }
}
