/// A misconfigured agent. Failures of the model call itself are ``LLMError``s; tool failures never
/// throw (they become error results the model reads).
public enum AgentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Two tools share a name; the model could not tell them apart.
    case duplicateToolName(String)
    /// A tool's input schema could not be derived from its input type (give the tool a `schema`).
    case toolSchema(name: String, reason: String)

    public var description: String {
        switch self {
        case .duplicateToolName(let name): "two tools are named '\(name)'"
        case .toolSchema(let name, let reason): "the schema of tool '\(name)' could not be derived: \(reason)"
        }
    }
}
