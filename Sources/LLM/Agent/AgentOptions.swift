/// How an ``Agent`` runs its loop.
public struct AgentOptions: Sendable {
    /// At most this many model calls per run (at least 1).
    public var maxSteps: Int
    /// How long one tool call may take. A call still running then is cancelled (and no longer awaited)
    /// and the model gets an error result saying it timed out.
    public var toolTimeout: Duration
    public var toolChoice: AgentToolChoice
    /// Ends the run after a step when it holds. Checked only after steps that called tools: a step
    /// without tool calls ends the run anyway.
    public var stopCondition: AgentStopCondition?
    /// Prunes old tool results before each request (after ``ConversationRepair``). Nil: no pruning.
    public var pruner: ContextPruner?
    public var maxTokens: Int?
    public var temperature: Double?
    public var reasoning: ReasoningOptions?
    /// Chooses another provider for a step (the argument is the step number, 1 for the first); nil from
    /// the closure, or no closure, uses the agent's provider. Useful when one backend is needed to force
    /// a tool call and another to answer.
    public var providerForStep: (@Sendable (_ step: Int) -> (any LLMProvider)?)?
    /// Last word on each request before it is sent (extra fields, stop sequences...).
    public var prepareRequest: (@Sendable (_ request: inout ChatRequest, _ step: Int) -> Void)?
    /// Puts a cache breakpoint on the latest message of each request, so that a long tool loop reads its history
    /// from the provider's prompt cache (Anthropic; others cache on their own or not at all, see ``CacheBreakpoint``).
    public var cacheLatestTurn: CacheBreakpoint?
    /// Asked before each tool call runs (the calls of one step are asked in parallel). A refusal reaches the model as
    /// an error result with its reason, and the loop goes on. Nil: every call runs.
    public var approveToolCall: (@Sendable (ToolCall) async -> ToolApproval)?

    public init(
        maxSteps: Int = 10, toolTimeout: Duration = .seconds(60), toolChoice: AgentToolChoice = .providerDefault,
        stopCondition: AgentStopCondition? = nil, pruner: ContextPruner? = nil, maxTokens: Int? = nil,
        temperature: Double? = nil, reasoning: ReasoningOptions? = nil,
        providerForStep: (@Sendable (_ step: Int) -> (any LLMProvider)?)? = nil,
        prepareRequest: (@Sendable (_ request: inout ChatRequest, _ step: Int) -> Void)? = nil,
        approveToolCall: (@Sendable (ToolCall) async -> ToolApproval)? = nil, cacheLatestTurn: CacheBreakpoint? = nil
    ) {
        self.maxSteps = maxSteps
        self.toolTimeout = toolTimeout
        self.toolChoice = toolChoice
        self.stopCondition = stopCondition
        self.pruner = pruner
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.reasoning = reasoning
        self.providerForStep = providerForStep
        self.prepareRequest = prepareRequest
        self.approveToolCall = approveToolCall
        self.cacheLatestTurn = cacheLatestTurn
    }
}
