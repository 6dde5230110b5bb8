/// Runs a model with tools until it answers: model → tool calls → tool results → model.
///
/// ```swift
/// let agent = Agent(provider: provider, model: "gpt-4o-mini", system: "You are terse.", tools: [weather.erased])
/// let result = try await agent.run("What is the weather in Paris?")
/// print(result.text, result.usage.totalTokens)
///
/// for try await event in agent.stream("And in Oslo?") {
///     if case .textDelta(let text) = event { print(text, terminator: "") }
/// }
/// ```
///
/// Each step sends the conversation (repaired by ``ConversationRepair`` and, if configured, pruned by
/// ``ContextPruner``), streams the reply, then runs the reply's tool calls in parallel, each under
/// ``AgentOptions/toolTimeout``. Tool failures of any kind (thrown errors, timeouts, unknown tools,
/// invalid or truncated arguments) become error results the model reads; they never end the run.
/// The run ends when the model answers without calling a tool, the stop condition holds, or after
/// ``AgentOptions/maxSteps`` steps. Errors of the model call itself (``LLMError``) are thrown.
public struct Agent: Sendable {
    public var provider: any LLMProvider
    /// The model name as the provider knows it.
    public var model: String
    /// The system prompt, sent with every request.
    public var system: String?
    public var tools: [AnyAgentTool]
    public var options: AgentOptions

    public init(
        provider: any LLMProvider, model: String, system: String? = nil, tools: [AnyAgentTool] = [],
        options: AgentOptions = AgentOptions()
    ) {
        self.provider = provider
        self.model = model
        self.system = system
        self.tools = tools
        self.options = options
    }

    /// An agent on `model` (a provider and its model name bound together).
    public init(model: LanguageModel, system: String? = nil, tools: [AnyAgentTool] = [], options: AgentOptions = AgentOptions()) {
        self.init(provider: model.provider, model: model.name, system: system, tools: tools, options: options)
    }

    /// An agent on `model` with tools that are types of their own (``LLMTool``): `tools: [WeatherTool(), Clock()]`.
    public init(model: LanguageModel, system: String? = nil, tools: [any LLMTool], options: AgentOptions = AgentOptions()) {
        self.init(model: model, system: system, tools: tools.map { AnyAgentTool($0) }, options: options)
    }

    /// Runs the agent on one user message.
    public func run(_ prompt: String) async throws -> AgentResult {
        try await run(messages: [.user(prompt)])
    }

    /// Runs the agent on a conversation (for example a previous ``AgentResult/messages`` plus a new user
    /// message).
    ///
    /// - Throws: ``AgentError`` for a misconfigured agent, ``LLMError`` when a model call fails
    ///   (``LLMError/cancelled`` when the task is cancelled).
    public func run(messages: [Message]) async throws -> AgentResult {
        try await AgentLoop(agent: self, emit: { _ in }).run(messages)
    }

    /// Runs the agent on one user message, reporting progress as events; the last one is `.finished`.
    public func stream(_ prompt: String) -> AsyncThrowingStream<AgentEvent, any Error> {
        stream(messages: [.user(prompt)])
    }

    /// Runs the agent on a conversation, reporting progress as events; the last one is `.finished`.
    /// The stream throws what ``run(messages:)`` throws. Dropping the stream cancels the run.
    public func stream(messages: [Message]) -> AsyncThrowingStream<AgentEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    _ = try await AgentLoop(agent: self, emit: { continuation.yield($0) }).run(messages)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
