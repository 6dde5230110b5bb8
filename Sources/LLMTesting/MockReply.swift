import LLM

/// One scripted answer of a ``MockProvider``.
public struct MockReply: Sendable {
    public enum Content: Sendable {
        /// Plain text, streamed word by word.
        case text(String)
        /// Tool calls, optionally after some text.
        case toolCalls([ToolCall], text: String)
        /// This JSON value as the reply's text.
        case json(JSONValue)
        /// A JSON value built to satisfy the request's `.jsonSchema` response format.
        case jsonFromRequestSchema
        /// Fails with this error before anything is streamed.
        case error(LLMError)
        /// Streams this text, then fails with the error (a connection that broke mid-reply).
        case textThenError(String, LLMError)
    }

    public var content: Content
    /// Reasoning streamed before the answer, with an optional signature.
    public var reasoning: ReasoningBlock?
    /// Pause before each streamed chunk (a real `Task.sleep`).
    public var chunkDelay: Duration
    /// Usage reported in the finish event; by default the number of words in and out.
    public var usage: Usage?
    /// Why it stops; by default `.toolCalls` for tool calls and `.endTurn` otherwise.
    public var stopReason: StopReason?

    public init(_ content: Content, reasoning: ReasoningBlock? = nil, chunkDelay: Duration = .zero, usage: Usage? = nil, stopReason: StopReason? = nil) {
        self.content = content
        self.reasoning = reasoning
        self.chunkDelay = chunkDelay
        self.usage = usage
        self.stopReason = stopReason
    }

    public static func text(_ text: String, chunkDelay: Duration = .zero) -> MockReply {
        MockReply(.text(text), chunkDelay: chunkDelay)
    }

    public static func toolCall(_ name: String, arguments: JSONValue = [:], id: String = "call_1", text: String = "") -> MockReply {
        MockReply(.toolCalls([ToolCall(id: id, name: name, arguments: arguments)], text: text))
    }

    public static func json(_ value: JSONValue) -> MockReply { MockReply(.json(value)) }

    public static let jsonFromRequestSchema = MockReply(.jsonFromRequestSchema)

    public static func error(_ error: LLMError) -> MockReply { MockReply(.error(error)) }
}
