import Foundation

/// Resolves `"provider/model"` strings to configured providers.
///
/// ```swift
/// let registry = ProviderRegistry(environment: ProcessInfo.processInfo.environment)
/// let (provider, model) = try registry.resolve("anthropic/claude-sonnet-4-5")
/// let reply = try await provider.complete(ChatRequest(model: model, messages: [.user("Hi")]))
/// ```
///
/// Keys and base URLs come from each endpoint's environment variables unless overridden per call.
/// Register your own endpoints (another OpenAI-compatible server, say) with ``register(_:)``.
public struct ProviderRegistry: Sendable {
    public private(set) var endpoints: [String: ProviderEndpoint]
    @Redacted public var environment: [String: String]
    public var transport: any HTTPTransport
    /// The proxy every provider goes through; nil reads it from ``environment`` (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, `NO_PROXY`, as curl does), ``ProxySettings/direct`` turns proxies off.
    public var proxy: ProxySettings?
    /// The time limits of every provider's requests; nil keeps each provider's default (``HTTPTimeouts/default``).
    public var timeouts: HTTPTimeouts?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        endpoints: [ProviderEndpoint] = ProviderEndpoint.builtIn,
        transport: any HTTPTransport = NIOHTTPTransport.shared,
        proxy: ProxySettings? = nil,
        timeouts: HTTPTimeouts? = nil
    ) {
        self.environment = environment
        self.transport = transport
        self.proxy = proxy
        self.timeouts = timeouts
        self.endpoints = Dictionary(endpoints.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Adds or replaces an endpoint.
    public mutating func register(_ endpoint: ProviderEndpoint) {
        endpoints[endpoint.name] = endpoint
    }

    /// Registered names, sorted.
    public var names: [String] { endpoints.keys.sorted() }

    /// Endpoints usable as configured: local ones, and hosted ones whose key is in the environment.
    public var configured: [ProviderEndpoint] {
        names.compactMap { endpoints[$0] }.filter { !$0.requiresAPIKey || key(for: $0) != nil || customBaseURL(for: $0) != nil }
    }

    /// The provider and model name for `reference` (`"provider/model"`; no slash means `defaultProvider`).
    public func resolve(
        _ reference: String, defaultProvider: String = "openai", baseURL: String? = nil, apiKey: String? = nil
    ) throws(ProviderRegistryError) -> (provider: any LLMProvider, model: String) {
        let parsed = ModelReference(parsing: reference, defaultProvider: defaultProvider)
        return (try provider(named: parsed.provider, baseURL: baseURL, apiKey: apiKey), parsed.model)
    }

    /// The provider registered as `name`, configured from the environment and the overrides.
    public func provider(named name: String, baseURL: String? = nil, apiKey: String? = nil) throws(ProviderRegistryError) -> any LLMProvider {
        guard let endpoint = endpoints[name.lowercased()] else { throw .unknownProvider(name, known: names) }
        let key = apiKey.nonEmpty ?? key(for: endpoint)
        let customURL = baseURL.nonEmpty ?? customBaseURL(for: endpoint)
        // A hosted service without a key fails for certain; a custom address may be a keyless proxy.
        if endpoint.requiresAPIKey, key == nil, customURL == nil {
            throw .missingAPIKey(provider: endpoint.name, variable: endpoint.apiKeyVariable)
        }
        return makeProvider(endpoint, baseURL: baseURL.nonEmpty, apiKey: key)
    }

    /// Builds the provider from its own environment reading (which knows its variables' quirks: an
    /// `OLLAMA_HOST` without scheme, a `GOOGLE_GEMINI_BASE_URL` without version...), then applies the
    /// endpoint's name and the explicit overrides.
    private func makeProvider(_ endpoint: ProviderEndpoint, baseURL override: String?, apiKey: String?) -> any LLMProvider {
        let baseURL = override ?? customBaseURL(for: endpoint) ?? endpoint.defaultBaseURL
        let proxy = self.proxy ?? .environment(environment)
        switch endpoint.api {
        case .openAIChat, .openAIResponses:
            var configuration = OpenAIConfiguration(name: endpoint.name, baseURL: baseURL, apiKey: apiKey)
            configuration.proxy = proxy
            if let timeouts { configuration.timeouts = timeouts }
            if endpoint.apiKeyVariable == "OPENAI_API_KEY" {
                configuration.organization = environment["OPENAI_ORG_ID"].nonEmpty
                configuration.project = environment["OPENAI_PROJECT_ID"].nonEmpty
            }
            if endpoint.api == .openAIResponses {
                return OpenAIResponsesProvider(configuration: configuration, transport: transport)
            }
            return OpenAIProvider(configuration: configuration, transport: transport)
        case .anthropic:
            var configuration = AnthropicConfiguration(name: endpoint.name, baseURL: baseURL, apiKey: apiKey)
            configuration.proxy = proxy
            if let timeouts { configuration.timeouts = timeouts }
            return AnthropicProvider(configuration: configuration, transport: transport)
        case .gemini:
            var configuration = GeminiConfiguration.fromEnvironment(environment)
            configuration.name = endpoint.name
            configuration.apiKey = apiKey
            configuration.proxy = proxy
            if let timeouts { configuration.timeouts = timeouts }
            if let override { configuration.baseURL = override }
            return GeminiProvider(configuration: configuration, transport: transport)
        case .ollama:
            var configuration = OllamaConfiguration.fromEnvironment(environment)
            configuration.name = endpoint.name
            configuration.apiKey = apiKey
            configuration.proxy = proxy
            if let timeouts { configuration.timeouts = timeouts }
            if let override { configuration.host = OllamaHost.normalize(override) }
            return OllamaProvider(configuration: configuration, transport: transport)
        }
    }

    private func key(for endpoint: ProviderEndpoint) -> String? {
        let variables = [endpoint.apiKeyVariable].compactMap { $0 } + endpoint.fallbackAPIKeyVariables
        return variables.lazy.compactMap { environment[$0].nonEmpty }.first
    }

    private func customBaseURL(for endpoint: ProviderEndpoint) -> String? {
        guard let variable = endpoint.baseURLVariable, let value = environment[variable].nonEmpty else { return nil }
        // Gemini and Ollama read their own variables (they need normalising); see makeProvider.
        if endpoint.api == .gemini || endpoint.api == .ollama { return nil }
        // ANTHROPIC_BASE_URL is the API root without /v1, as Anthropic's own SDKs read it.
        if endpoint.api == .anthropic, !value.hasSuffix("/v1"), !value.hasSuffix("/v1/") {
            return (value.hasSuffix("/") ? String(value.dropLast()) : value) + "/v1"
        }
        return value
    }
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
