import LLM

/// `-m` values are `provider/model` strings, split at the first slash (see ``ModelReference``).
typealias ModelSpec = ModelReference

/// Turns a provider name plus the command-line and environment settings into an ``LLMProvider``,
/// through the library's ``ProviderRegistry`` (the CLI is a client of the library like any other).
enum ProviderSelection {
    static func registry(environment: [String: String], proxy: ProxySettings? = nil) -> ProviderRegistry {
        ProviderRegistry(environment: environment, proxy: proxy)
    }

    static func knownProviders(environment: [String: String]) -> [String] {
        registry(environment: environment).names
    }

    /// - Throws: ``ConfigurationError`` for an unknown provider, or a hosted one with neither a key nor a base URL.
    static func provider(
        named name: String, baseURL: String?, apiKey: String?, proxy: ProxySettings?, environment: [String: String]
    ) throws(ConfigurationError) -> any LLMProvider {
        do {
            return try registry(environment: environment, proxy: proxy).provider(named: name, baseURL: baseURL, apiKey: apiKey)
        } catch .missingAPIKey(let provider, let variable) where provider == "openai" {
            _ = variable
            throw noProviderConfigured
        } catch {
            throw ConfigurationError(error.description)
        }
    }

    static let noProviderConfigured = ConfigurationError(
        """
        no provider configured.
          OpenAI: set OPENAI_API_KEY or pass --api-key KEY.
          Other hosted providers: -m anthropic/MODEL with ANTHROPIC_API_KEY, -m gemini/MODEL with GEMINI_API_KEY, ...
          A local OpenAI-compatible server: pass --base-url http://127.0.0.1:8080/v1 (or set OPENAI_BASE_URL),
          or name it in the model: -m llamacpp/MODEL, -m lmstudio/MODEL, -m vllm/MODEL or -m ollama/MODEL.
        """)
}

extension Optional where Wrapped == String {
    /// nil for an empty string too: an exported-but-empty variable means "not set".
    var nonEmpty: String? {
        switch self {
        case .some(let value) where !value.isEmpty: value
        default: nil
        }
    }
}
