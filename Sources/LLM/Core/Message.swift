/// One turn of a conversation, in the OpenAI convention of four roles.
public struct Message: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant, tool
    }

    public var role: Role
    /// Text and images. For `.tool` messages the result lives in ``toolResult`` instead.
    public var content: [ContentPart]
    /// Calls the assistant asked for (assistant messages only).
    public var toolCalls: [ToolCall]
    /// The result of one tool call (tool messages only).
    public var toolResult: ToolResult?
    /// Reasoning the assistant produced before answering, sent back unchanged on the next turn.
    public var reasoning: [ReasoningBlock]
    /// An optional participant name (OpenAI `name`).
    public var name: String?
    /// Cache the prompt up to and including this message, where the provider caches on request (see
    /// ``CacheBreakpoint``).
    public var cacheBreakpoint: CacheBreakpoint?

    public init(
        role: Role, content: [ContentPart] = [], toolCalls: [ToolCall] = [], toolResult: ToolResult? = nil,
        reasoning: [ReasoningBlock] = [], name: String? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolResult = toolResult
        self.reasoning = reasoning
        self.name = name
    }

    public static func system(_ text: String) -> Message { Message(role: .system, content: [.text(text)]) }

    public static func user(_ text: String) -> Message { Message(role: .user, content: [.text(text)]) }

    public static func user(_ parts: [ContentPart]) -> Message { Message(role: .user, content: parts) }

    public static func assistant(_ text: String, toolCalls: [ToolCall] = [], reasoning: [ReasoningBlock] = []) -> Message {
        Message(role: .assistant, content: text.isEmpty ? [] : [.text(text)], toolCalls: toolCalls, reasoning: reasoning)
    }

    public static func tool(_ result: ToolResult) -> Message {
        Message(role: .tool, toolResult: result, name: result.name)
    }

    /// All text parts joined, ignoring images.
    public var text: String {
        var result = ""
        for case .text(let text) in content { result += text }
        return result
    }
}
