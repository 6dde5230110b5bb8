/// A misconfigured agent. Failures of the model call itself are ``LLMError``s; tool failures never
/// throw (they become error results the model reads).
public enum AgentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Two tools share a name; the model could not tell them apart.
    case duplicateToolName(String)

    public var description: String {
        switch self {
        case .duplicateToolName(let name): "two tools are named '\(name)'"
        }
    }
}
