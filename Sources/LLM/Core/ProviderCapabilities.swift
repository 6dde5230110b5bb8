/// What a provider can do. A request that needs a missing capability fails with
/// ``LLMError/unsupported(feature:provider:)`` before anything is sent.
public struct ProviderCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `ResponseFormat.jsonObject` has a native mechanism.
    public static let jsonObject = ProviderCapabilities(rawValue: 1 << 0)
    /// `ResponseFormat.jsonSchema` has a native mechanism.
    public static let jsonSchema = ProviderCapabilities(rawValue: 1 << 1)
    /// Tools can be offered.
    public static let tools = ProviderCapabilities(rawValue: 1 << 2)
    /// `ToolChoice.required` and `.tool(name)` can be enforced.
    public static let forcedToolChoice = ProviderCapabilities(rawValue: 1 << 3)
    /// The model's reasoning is streamed.
    public static let reasoning = ProviderCapabilities(rawValue: 1 << 4)
    /// Reasoning comes with a signature that must be sent back on the next turn.
    public static let reasoningSignatures = ProviderCapabilities(rawValue: 1 << 5)
    /// Images in user messages.
    public static let images = ProviderCapabilities(rawValue: 1 << 6)
    /// Stop sequences.
    public static let stopSequences = ProviderCapabilities(rawValue: 1 << 7)
    /// Usage reports tokens read from a prompt cache.
    public static let cacheReadTokens = ProviderCapabilities(rawValue: 1 << 8)
    /// Usage reports tokens written to a prompt cache.
    public static let cacheWriteTokens = ProviderCapabilities(rawValue: 1 << 9)
    /// Usage reports reasoning tokens.
    public static let reasoningTokens = ProviderCapabilities(rawValue: 1 << 10)
    /// A seed for reproducible sampling.
    public static let seed = ProviderCapabilities(rawValue: 1 << 11)
    /// Embeddings (``LLMProvider/embed(_:)``).
    public static let embeddings = ProviderCapabilities(rawValue: 1 << 12)

    public static let all = ProviderCapabilities(rawValue: (1 << 13) - 1)

    /// The first capability `request` needs that is missing from `self`, named for an error message.
    public func missingFeature(for request: ChatRequest) -> String? {
        switch request.responseFormat {
        case .jsonObject where !contains(.jsonObject): return "JSON object output"
        case .jsonSchema where !contains(.jsonSchema): return "JSON schema output"
        default: break
        }
        if !request.tools.isEmpty, !contains(.tools) { return "tools" }
        switch request.toolChoice {
        case .required?, .tool?:
            if !contains(.forcedToolChoice) { return "forcing a tool call" }
        default: break
        }
        if !request.stopSequences.isEmpty, !contains(.stopSequences) { return "stop sequences" }
        if request.seed != nil, !contains(.seed) { return "seed" }
        if !contains(.images), request.messages.contains(where: { $0.content.contains { if case .image = $0 { true } else { false } } }) {
            return "images"
        }
        return nil
    }

    /// Throws ``LLMError/unsupported(feature:provider:)`` when `request` needs something missing.
    public func check(_ request: ChatRequest, provider: String) throws(LLMError) {
        if let feature = missingFeature(for: request) { throw .unsupported(feature: feature, provider: provider) }
    }
}
