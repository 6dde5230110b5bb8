/// Everything one model call needs. Build it once and hand it to any ``LLMProvider``.
///
/// ```swift
/// var request = ChatRequest(model: "gpt-4o-mini", messages: [.user("Hello")])
/// request.maxTokens = 200
/// let reply = try await provider.complete(request)
/// ```
public struct ChatRequest: Sendable, Hashable {
    /// The model name as the provider knows it (no `provider/` prefix).
    public var model: String
    public var messages: [Message]
    /// A system prompt; providers put it where their API wants it. Combined with any `.system` messages.
    public var system: String?
    public var tools: [Tool]
    public var toolChoice: ToolChoice?
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var stopSequences: [String]
    public var seed: Int?
    public var responseFormat: ResponseFormat
    public var reasoning: ReasoningOptions?
    /// Overrides the provider's retry policy for this request only.
    public var retryPolicy: RetryPolicy?
    /// Extra top-level fields added to the provider's request body as they are (an escape hatch for provider
    /// features this package does not model). They never replace a field the package sets (an object merges, the
    /// package's keys winning): set the model, limits and options through the request's own properties.
    public var extraFields: [String: JSONValue]

    public init(
        model: String, messages: [Message], system: String? = nil, tools: [Tool] = [], toolChoice: ToolChoice? = nil,
        maxTokens: Int? = nil, temperature: Double? = nil, topP: Double? = nil, stopSequences: [String] = [],
        seed: Int? = nil, responseFormat: ResponseFormat = .text, reasoning: ReasoningOptions? = nil,
        retryPolicy: RetryPolicy? = nil, extraFields: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.messages = messages
        self.system = system
        self.tools = tools
        self.toolChoice = toolChoice
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.stopSequences = stopSequences
        self.seed = seed
        self.responseFormat = responseFormat
        self.reasoning = reasoning
        self.retryPolicy = retryPolicy
        self.extraFields = extraFields
    }
}
