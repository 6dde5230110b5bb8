import Foundation

/// One model of one provider, bound together: what most code passes around.
///
/// ```swift
/// let model = try LanguageModel("anthropic/claude-sonnet-4-5")      // key from ANTHROPIC_API_KEY
/// for try await piece in model.stream("Tell me a story").textStream { print(piece, terminator: "") }
/// ```
///
/// Every call is the provider's own (``LLMProvider``) with the model filled in; the provider-level API stays for
/// requests that need more than these shortcuts.
public struct LanguageModel: Sendable {
    public let provider: any LLMProvider
    /// The model's name as the provider knows it, e.g. `gpt-4o-mini`.
    public let name: String

    public init(provider: any LLMProvider, name: String) {
        self.provider = provider
        self.name = name
    }

    /// The model `reference` names (`"provider/model"`; no slash means OpenAI), configured by `registry`: keys and
    /// base URLs from the process environment unless the registry was given another.
    ///
    /// - Throws: ``ProviderRegistryError`` for an unknown provider or a hosted one without its key.
    public init(_ reference: String, registry: ProviderRegistry = ProviderRegistry()) throws(ProviderRegistryError) {
        let (provider, name) = try registry.resolve(reference)
        self.init(provider: provider, name: name)
    }

    /// A request to this model; `configure` sets the rest (tools, limits, reasoning...).
    public func request(messages: [Message], system: String? = nil, configure: (inout ChatRequest) -> Void = { _ in }) -> ChatRequest {
        var request = ChatRequest(model: name, messages: messages, system: system)
        configure(&request)
        return request
    }

    /// The whole reply to one prompt.
    public func generate(_ prompt: String, system: String? = nil) async throws -> LLMResponse {
        try await provider.complete(request(messages: [.user(prompt)], system: system))
    }

    /// The whole reply to a conversation.
    public func generate(messages: [Message], system: String? = nil) async throws -> LLMResponse {
        try await provider.complete(request(messages: messages, system: system))
    }

    /// The whole reply to `request`, sent to this model whatever model it names.
    public func generate(_ request: ChatRequest) async throws -> LLMResponse {
        var request = request
        request.model = name
        return try await provider.complete(request)
    }

    /// A value of `type`, decoded from the model's structured output (see
    /// ``LLMProvider/generate(_:model:messages:system:options:)``).
    public func generate<T: Decodable>(_ type: T.Type, _ prompt: String, system: String? = nil, options: GenerateOptions = .init()) async throws -> T {
        try await provider.generate(T.self, model: name, messages: [.user(prompt)], system: system, options: options)
    }

    /// The reply to one prompt as it is generated: its text pieces, its events, and the whole reply at the end.
    public func stream(_ prompt: String, system: String? = nil) -> ModelStream {
        ModelStream(provider.stream(request(messages: [.user(prompt)], system: system)))
    }

    /// The reply to a conversation as it is generated.
    public func stream(messages: [Message], system: String? = nil) -> ModelStream {
        ModelStream(provider.stream(request(messages: messages, system: system)))
    }

    /// The reply to `request` as it is generated, sent to this model whatever model it names.
    public func stream(_ request: ChatRequest) -> ModelStream {
        var request = request
        request.model = name
        return ModelStream(provider.stream(request))
    }

    /// The embeddings of `inputs` from this model (see ``LLMProvider/embed(_:)``).
    public func embed(_ inputs: [String], dimensions: Int? = nil) async throws -> EmbeddingResponse {
        try await provider.embed(inputs, model: name, dimensions: dimensions)
    }
}

extension LLMProvider {
    /// This provider's model `name`, as a ``LanguageModel``.
    public func model(_ name: String) -> LanguageModel {
        LanguageModel(provider: self, name: name)
    }
}
