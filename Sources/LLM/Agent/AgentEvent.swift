/// What an agent run reports while it works, for UIs. See ``Agent/stream(_:)``.
///
/// Within a step the order is: text and reasoning deltas as the model streams them, one `.toolCall`
/// per call once the reply is complete, one `.toolResult` per call as each finishes (calls run in
/// parallel, so in order of completion), then `.stepFinished`. The last event of a run is `.finished`.
public enum AgentEvent: Sendable, Hashable {
    /// New answer text from the model.
    case textDelta(String)
    /// New reasoning (thinking) text from the model.
    case reasoningDelta(String)
    /// The model asked for this tool call; it is about to run.
    case toolCall(ToolCall)
    /// A tool call finished (successfully or as an error result).
    case toolResult(ToolResult)
    /// A step (one model call and its tool calls) is done; the step carries its usage.
    case stepFinished(AgentStep)
    /// The run is over.
    case finished(AgentResult)
}
