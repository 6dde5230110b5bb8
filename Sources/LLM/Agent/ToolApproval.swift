/// The caller's answer when an agent asks whether to run a tool call (``AgentOptions/approveToolCall``).
public enum ToolApproval: Sendable, Hashable {
    /// Run it.
    case allow
    /// Do not run it: the model gets an error result with this reason, and the loop goes on.
    case deny(reason: String)
}
