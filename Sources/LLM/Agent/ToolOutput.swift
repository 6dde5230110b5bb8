/// What a tool hands back to the model: text (or JSON as text), and whether it is an error.
///
/// ```swift
/// return .text("21 °C and sunny")
/// return .json(["temperature_c": 21, "sky": "sunny"])
/// return .error("No city called \(name)")
/// ```
public struct ToolOutput: Sendable, Hashable {
    /// The text the model reads.
    public var content: String
    /// The tool failed; `content` tells the model why.
    public var isError: Bool
    /// The result must survive context pruning (see ``ContextPruner``).
    public var isProtected: Bool

    public init(content: String, isError: Bool = false, isProtected: Bool = false) {
        self.content = content
        self.isError = isError
        self.isProtected = isProtected
    }

    /// A successful plain-text result.
    public static func text(_ text: String) -> ToolOutput { ToolOutput(content: text) }

    /// A successful JSON result, sent as compact JSON text with sorted keys.
    public static func json(_ value: JSONValue) -> ToolOutput { ToolOutput(content: value.jsonString) }

    /// A successful JSON result encoded from any `Encodable` value.
    public static func json(encoding value: some Encodable) throws -> ToolOutput {
        .json(try JSONValue(encoding: value))
    }

    /// A failure the model should read (and may recover from), without throwing.
    public static func error(_ message: String) -> ToolOutput { ToolOutput(content: message, isError: true) }

    /// The ``ToolResult`` answering `call`.
    public func result(for call: ToolCall) -> ToolResult {
        ToolResult(toolCallID: call.id, name: call.name, content: content, isError: isError, isProtected: isProtected)
    }
}
