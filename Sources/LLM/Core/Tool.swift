/// A function the model may call: a name, what it does, and a JSON Schema of its arguments.
public struct Tool: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var parameters: JSONSchema

    public init(name: String, description: String, parameters: JSONSchema = .object([:])) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// Whether and which tools the model must call.
public enum ToolChoice: Sendable, Hashable {
    /// The model decides.
    case auto
    /// The model must not call a tool.
    case none
    /// The model must call at least one tool.
    case required
    /// The model must call the named tool.
    case tool(String)
}
