/// What a tool returned, sent back to the model in a `.tool` message.
public struct ToolResult: Sendable, Hashable, Codable {
    /// The id of the ``ToolCall`` this answers.
    public var toolCallID: String
    /// The tool's name (some providers want it alongside the id).
    public var name: String?
    public var content: String
    /// The tool failed; `content` says why. Error results are never pruned from the context.
    public var isError: Bool
    /// Content that must survive context pruning (the original's `is_skill_content`).
    public var isProtected: Bool

    public init(toolCallID: String, name: String? = nil, content: String, isError: Bool = false, isProtected: Bool = false) {
        self.toolCallID = toolCallID
        self.name = name
        self.content = content
        self.isError = isError
        self.isProtected = isProtected
    }
}
