/// A backend the registry knows by name: which wire format it speaks, where it lives by default, and
/// which environment variables configure it.
public struct ProviderEndpoint: Sendable, Hashable {
    /// The wire format.
    public enum API: String, Sendable, Hashable {
        case openAIChat, openAIResponses, anthropic, gemini, ollama
    }

    public var name: String
    public var api: API
    public var defaultBaseURL: String
    /// The variable holding the API key, if the backend takes one.
    public var apiKeyVariable: String?
    /// The variable that overrides the base URL, if any.
    public var baseURLVariable: String?
    /// Variables read for the key when `apiKeyVariable` is unset (e.g. `GOOGLE_API_KEY` for Gemini).
    public var fallbackAPIKeyVariables: [String]
    /// Whether a call without a key is pointless (hosted services) or normal (local servers).
    public var requiresAPIKey: Bool

    public init(
        name: String, api: API, defaultBaseURL: String, apiKeyVariable: String?, fallbackAPIKeyVariables: [String] = [],
        baseURLVariable: String? = nil, requiresAPIKey: Bool
    ) {
        self.name = name
        self.api = api
        self.defaultBaseURL = defaultBaseURL
        self.apiKeyVariable = apiKeyVariable
        self.fallbackAPIKeyVariables = fallbackAPIKeyVariables
        self.baseURLVariable = baseURLVariable
        self.requiresAPIKey = requiresAPIKey
    }
}

extension ProviderEndpoint {
    /// The backends known out of the box. OpenAI-compatible services are OpenAI Chat Completions at
    /// another address.
    public static let builtIn: [ProviderEndpoint] = [
        ProviderEndpoint(name: "openai", api: .openAIChat, defaultBaseURL: "https://api.openai.com/v1", apiKeyVariable: "OPENAI_API_KEY", baseURLVariable: "OPENAI_BASE_URL", requiresAPIKey: true),
        ProviderEndpoint(name: "openai-responses", api: .openAIResponses, defaultBaseURL: "https://api.openai.com/v1", apiKeyVariable: "OPENAI_API_KEY", baseURLVariable: "OPENAI_BASE_URL", requiresAPIKey: true),
        ProviderEndpoint(name: "gemini", api: .gemini, defaultBaseURL: "https://generativelanguage.googleapis.com/v1beta", apiKeyVariable: "GEMINI_API_KEY", fallbackAPIKeyVariables: ["GOOGLE_API_KEY"], baseURLVariable: "GOOGLE_GEMINI_BASE_URL", requiresAPIKey: true),
        ProviderEndpoint(name: "ollama", api: .ollama, defaultBaseURL: "http://127.0.0.1:11434", apiKeyVariable: "OLLAMA_API_KEY", baseURLVariable: "OLLAMA_HOST", requiresAPIKey: false),
        ProviderEndpoint(name: "anthropic", api: .anthropic, defaultBaseURL: "https://api.anthropic.com/v1", apiKeyVariable: "ANTHROPIC_API_KEY", baseURLVariable: "ANTHROPIC_BASE_URL", requiresAPIKey: true),
        ProviderEndpoint(name: "groq", api: .openAIChat, defaultBaseURL: "https://api.groq.com/openai/v1", apiKeyVariable: "GROQ_API_KEY", requiresAPIKey: true),
        ProviderEndpoint(name: "openrouter", api: .openAIChat, defaultBaseURL: "https://openrouter.ai/api/v1", apiKeyVariable: "OPENROUTER_API_KEY", requiresAPIKey: true),
        ProviderEndpoint(name: "together", api: .openAIChat, defaultBaseURL: "https://api.together.xyz/v1", apiKeyVariable: "TOGETHER_API_KEY", requiresAPIKey: true),
        ProviderEndpoint(name: "deepseek", api: .openAIChat, defaultBaseURL: "https://api.deepseek.com/v1", apiKeyVariable: "DEEPSEEK_API_KEY", requiresAPIKey: true),
        ProviderEndpoint(name: "mistral", api: .openAIChat, defaultBaseURL: "https://api.mistral.ai/v1", apiKeyVariable: "MISTRAL_API_KEY", requiresAPIKey: true),
        ProviderEndpoint(name: "xai", api: .openAIChat, defaultBaseURL: "https://api.x.ai/v1", apiKeyVariable: "XAI_API_KEY", requiresAPIKey: true),
        ProviderEndpoint(name: "fireworks", api: .openAIChat, defaultBaseURL: "https://api.fireworks.ai/inference/v1", apiKeyVariable: "FIREWORKS_API_KEY", requiresAPIKey: true),
        ProviderEndpoint(name: "llamacpp", api: .openAIChat, defaultBaseURL: "http://127.0.0.1:8080/v1", apiKeyVariable: "LLAMACPP_API_KEY", baseURLVariable: "LLAMACPP_BASE_URL", requiresAPIKey: false),
        ProviderEndpoint(name: "lmstudio", api: .openAIChat, defaultBaseURL: "http://127.0.0.1:1234/v1", apiKeyVariable: nil, baseURLVariable: "LMSTUDIO_BASE_URL", requiresAPIKey: false),
        ProviderEndpoint(name: "vllm", api: .openAIChat, defaultBaseURL: "http://127.0.0.1:8000/v1", apiKeyVariable: "VLLM_API_KEY", baseURLVariable: "VLLM_BASE_URL", requiresAPIKey: false),
    ]
}
