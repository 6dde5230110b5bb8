/// A call the model asked for: which tool, and the arguments it chose.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The provider's id for this call; the matching ``ToolResult`` carries it back.
    public var id: String
    public var name: String
    /// The arguments, parsed from the JSON the model produced.
    public var arguments: JSONValue
    /// An opaque signature some providers attach to a call and require on the next turn
    /// (Gemini's thought signature). Send the call back unchanged and it is kept.
    public var signature: String?

    public init(id: String, name: String, arguments: JSONValue = .object([:]), signature: String? = nil) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.signature = signature
    }

    /// Decodes the arguments into a `Decodable` type.
    public func decodeArguments<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try arguments.decode(as: T.self)
    }
}
