/// A model backend. Write your code against this protocol once and swap the backend with one line.
///
/// Swift needs no separate blocking and async variants (the Python original's `acomplete`): every call is
/// `async`, and cancelling the calling task cancels the request.
public protocol LLMProvider: Sendable {
    /// A short name used in errors and logs, e.g. `"openai"`.
    var name: String { get }

    /// Sends the request and waits for the whole reply.
    func complete(_ request: ChatRequest) async throws -> LLMResponse

    /// Sends the request and delivers the reply as it is generated. Errors thrown while iterating are
    /// ``LLMError``s.
    func stream(_ request: ChatRequest) -> LLMEventStream

    /// The models this provider offers.
    func listModels() async throws -> [ModelInfo]

    /// What this provider can do; requests needing more fail with ``LLMError/unsupported(feature:provider:)``.
    var capabilities: ProviderCapabilities { get }

    /// The embeddings of the request's inputs, in input order (see ``EmbeddingRequest``). Providers without
    /// embeddings (``ProviderCapabilities/embeddings``) throw ``LLMError/unsupported(feature:provider:)``.
    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse
}

extension LLMProvider {
    public var capabilities: ProviderCapabilities { .all }

    public func listModels() async throws -> [ModelInfo] {
        throw LLMError.unsupported(feature: "listing models", provider: name)
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        throw LLMError.unsupported(feature: "embeddings", provider: name)
    }
}

/// A model a provider offers.
public struct ModelInfo: Sendable, Hashable, Codable {
    public var id: String
    public var ownedBy: String?

    public init(id: String, ownedBy: String? = nil) {
        self.id = id
        self.ownedBy = ownedBy
    }
}
