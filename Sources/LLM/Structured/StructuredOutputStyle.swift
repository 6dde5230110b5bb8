import Foundation

/// The dialect of JSON Schema a provider's structured output accepts; ``SchemaNormalizer`` reshapes the
/// derived schema into it. Picked from the provider by ``inferred(for:)`` unless
/// ``GenerateOptions/style`` names one.
public enum StructuredOutputStyle: String, Sendable, Hashable, CaseIterable {
    /// OpenAI strict mode: every object closed, every property required (optional ones nullable), and
    /// the keywords OpenAI rejects moved into descriptions.
    case openAIStrict
    /// OpenAI-compatible servers that take any JSON Schema (llama.cpp, vLLM, LM Studio): the schema as
    /// derived, sent with `strict: false` so hosted routers do not apply OpenAI's strict rules.
    case openAICompatible
    /// Anthropic `output_config.format`: objects closed, nullable as `anyOf`, unsupported bounds moved
    /// into descriptions.
    case anthropic
    /// Gemini `responseSchema`: the OpenAPI subset (see `GeminiSchema`).
    case gemini
    /// Ollama `format`: plain JSON Schema (llama.cpp turns it into a grammar, bounds included).
    case ollama

    /// The style for `provider`: by its type for the built-in providers, else by its name, else
    /// ``openAICompatible``.
    public static func inferred(for provider: any LLMProvider) -> StructuredOutputStyle {
        switch provider {
        case let openAI as OpenAIProvider: return style(for: openAI.configuration)
        case let responses as OpenAIResponsesProvider: return style(for: responses.configuration)
        case is AnthropicProvider: return .anthropic
        case is GeminiProvider: return .gemini
        case is OllamaProvider: return .ollama
        default: break
        }
        let name = provider.name.lowercased()
        if name.contains("anthropic") || name.contains("claude") { return .anthropic }
        if name.contains("gemini") || name.contains("google") || name.contains("vertex") { return .gemini }
        if name.contains("ollama") { return .ollama }
        if name == "openai" || name == "azure" { return .openAIStrict }
        return .openAICompatible
    }

    /// OpenAI itself (and Azure OpenAI) enforce strict mode; other servers speaking its API mostly
    /// take any schema and enforce more keywords than strict mode allows.
    private static func style(for configuration: OpenAIConfiguration) -> StructuredOutputStyle {
        let host = URL(string: configuration.baseURL)?.host?.lowercased() ?? ""
        if host == "api.openai.com" || host.hasSuffix(".openai.azure.com") { return .openAIStrict }
        return .openAICompatible
    }

    /// The response format carrying `schema` (as derived) in this style.
    public func responseFormat(name: String, schema: JSONSchema) -> ResponseFormat {
        let normalized = SchemaNormalizer.normalize(schema, for: self)
        let strict: Bool =
            switch self {
            // Strict mode cannot express open objects (dictionaries) or untyped values: fall back to
            // best effort there rather than have the request rejected.
            case .openAIStrict: SchemaNormalizer.isOpenAIStrictCompatible(normalized)
            case .openAICompatible: false
            case .anthropic, .gemini, .ollama: true
            }
        return .jsonSchema(name: name, schema: normalized, strict: strict)
    }
}
