/// A finished model reply.
public struct LLMResponse: Sendable, Hashable {
    /// The reply's text (all text parts joined).
    public var content: String
    public var toolCalls: [ToolCall]
    /// Reasoning the model produced, with signatures, to send back on the next turn.
    public var reasoning: [ReasoningBlock]
    /// The model that answered, as the provider named it.
    public var model: String
    public var usage: Usage
    public var stopReason: StopReason
    /// The provider's id of the reply, if it gave one.
    public var id: String?
    /// The provider's own JSON response, kept for debugging (nil for streamed replies).
    public var raw: JSONValue?

    public init(
        content: String, toolCalls: [ToolCall] = [], reasoning: [ReasoningBlock] = [], model: String,
        usage: Usage = Usage(), stopReason: StopReason = .endTurn, id: String? = nil, raw: JSONValue? = nil
    ) {
        self.content = content
        self.toolCalls = toolCalls
        self.reasoning = reasoning
        self.model = model
        self.usage = usage
        self.stopReason = stopReason
        self.id = id
        self.raw = raw
    }

    /// The reply as an assistant message, ready to append to the conversation for the next turn.
    public var message: Message {
        .assistant(content, toolCalls: toolCalls, reasoning: reasoning)
    }

    /// True when there is neither text nor a tool call (retried as an empty response unless cut off by length).
    public var isEmpty: Bool {
        content.isEmpty && toolCalls.isEmpty
    }
}
