import LLM

/// A `provider/model` string split at its FIRST slash, so model names that contain slashes survive:
/// `openrouter/meta-llama/Llama-3` is provider `openrouter`, model `meta-llama/Llama-3`.
struct ModelSpec: Equatable {
    var provider: String
    var model: String

    init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// A string without a slash names an OpenAI model.
    init(parsing text: String) {
        if let slash = text.firstIndex(of: "/") {
            provider = text[..<slash].lowercased()
            model = String(text[text.index(after: slash)...])
        } else {
            provider = "openai"
            model = text
        }
    }
}

/// Turns a provider name plus the command-line and environment settings into an ``LLMProvider``.
///
/// Kept apart from the commands so it can be swapped for a library-level provider registry later.
enum ProviderSelection {
    /// OpenAI-compatible servers usually run locally, with their usual default addresses. They need no key.
    static let localServers: [String: String] = [
        "llamacpp": "http://127.0.0.1:8080/v1",
        "lmstudio": "http://127.0.0.1:1234/v1",
        "vllm": "http://127.0.0.1:8000/v1",
    ]

    static var knownProviders: [String] { ["openai"] + localServers.keys.sorted() }

    /// - Throws: ``ConfigurationError`` for an unknown provider, or `openai` with neither a key nor a base URL.
    static func provider(
        named name: String, baseURL: String?, apiKey: String?, environment: [String: String]
    ) throws(ConfigurationError) -> any LLMProvider {
        let baseURL = baseURL.nonEmpty
        let apiKey = apiKey.nonEmpty
        if name == "openai" {
            let fromEnvironment = OpenAIConfiguration.fromEnvironment(environment)
            let key = apiKey ?? fromEnvironment.apiKey
            let customURL = baseURL ?? environment["OPENAI_BASE_URL"].nonEmpty
            guard key != nil || customURL != nil else { throw noProviderConfigured }
            return OpenAIProvider(
                configuration: OpenAIConfiguration(
                    baseURL: customURL ?? OpenAIConfiguration.openAIBaseURL, apiKey: key,
                    organization: fromEnvironment.organization, project: fromEnvironment.project))
        }
        if let defaultURL = localServers[name] {
            // OPENAI_API_KEY is deliberately not sent to local servers: only a key given with --api-key is.
            return OpenAIProvider(
                configuration: OpenAIConfiguration(name: name, baseURL: baseURL ?? defaultURL, apiKey: apiKey))
        }
        throw ConfigurationError(
            "unknown provider '\(name)' (known: \(knownProviders.joined(separator: ", "))); "
                + "write the model as provider/model, e.g. openai/gpt-4o-mini or llamacpp/default")
    }

    static let noProviderConfigured = ConfigurationError(
        """
        no provider configured.
          OpenAI: set OPENAI_API_KEY or pass --api-key KEY.
          A local OpenAI-compatible server: pass --base-url http://127.0.0.1:8080/v1 (or set OPENAI_BASE_URL),
          or name it in the model: -m llamacpp/MODEL, -m lmstudio/MODEL or -m vllm/MODEL.
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
