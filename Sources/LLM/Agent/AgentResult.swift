/// Why an agent run ended.
public enum AgentStopReason: String, Sendable, Hashable {
    /// The model answered without calling a tool.
    case completed
    /// The caller's ``AgentStopCondition`` held after a step.
    case stopCondition
    /// The run reached ``AgentOptions/maxSteps`` (the last step's tool calls did run).
    case maxSteps
}

/// The outcome of an agent run.
public struct AgentResult: Sendable, Hashable {
    /// The text of the model's last reply.
    public var text: String
    /// The whole conversation as the model last saw it (repaired and, with a pruner, pruned), plus the
    /// last reply and tool results. Append a user message and run again to continue.
    public var messages: [Message]
    public var steps: [AgentStep]
    /// Usage summed over all steps.
    public var usage: Usage
    public var stopReason: AgentStopReason

    public init(text: String, messages: [Message], steps: [AgentStep], usage: Usage, stopReason: AgentStopReason) {
        self.text = text
        self.messages = messages
        self.steps = steps
        self.usage = usage
        self.stopReason = stopReason
    }
}
