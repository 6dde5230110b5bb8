/// One step of an agent run: a model call and the tool calls it asked for.
public struct AgentStep: Sendable, Hashable {
    /// 1 for the first step.
    public var index: Int
    /// The model's reply in this step. Its tool calls are the ones that ran.
    public var response: LLMResponse
    /// The results of the step's tool calls, in the order of the calls.
    public var toolResults: [ToolResult]
    /// Usage of all steps up to and including this one.
    public var totalUsage: Usage

    public init(index: Int, response: LLMResponse, toolResults: [ToolResult], totalUsage: Usage) {
        self.index = index
        self.response = response
        self.toolResults = toolResults
        self.totalUsage = totalUsage
    }

    /// Token usage of this step's model call.
    public var usage: Usage { response.usage }

    public var toolCalls: [ToolCall] { response.toolCalls }
}
