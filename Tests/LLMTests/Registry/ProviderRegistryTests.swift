import LLM
import LLMTesting
import Testing

@Suite struct ProviderRegistryTests {
    @Test func splitsAtTheFirstSlash() {
        #expect(ModelReference(parsing: "openrouter/meta-llama/llama-3.1-8b") == ModelReference(provider: "openrouter", model: "meta-llama/llama-3.1-8b"))
        #expect(ModelReference(parsing: "gpt-4o-mini") == ModelReference(provider: "openai", model: "gpt-4o-mini"))
        #expect(ModelReference(parsing: "Anthropic/claude-x").provider == "anthropic")
    }

    @Test func resolvesHostedProvidersFromTheirKeyVariables() throws {
        let registry = ProviderRegistry(environment: ["ANTHROPIC_API_KEY": "ak", "GROQ_API_KEY": "gk"], transport: ReplayTransport([]))
        let (anthropic, model) = try registry.resolve("anthropic/claude-sonnet-4-5")
        #expect(model == "claude-sonnet-4-5")
        #expect((anthropic as? AnthropicProvider)?.configuration.apiKey == "ak")
        let groq = try #require(try registry.resolve("groq/llama-3.3-70b-versatile").provider as? OpenAIProvider)
        #expect(groq.configuration.baseURL == "https://api.groq.com/openai/v1")
        #expect(groq.configuration.apiKey == "gk")
        #expect(groq.name == "groq")
    }

    @Test func localServersNeedNoKey() throws {
        let registry = ProviderRegistry(environment: [:], transport: ReplayTransport([]))
        let local = try #require(try registry.resolve("llamacpp/smol").provider as? OpenAIProvider)
        #expect(local.configuration.baseURL == "http://127.0.0.1:8080/v1")
        #expect(local.configuration.apiKey == nil)
        let lmstudio = try #require(try registry.resolve("lmstudio/qwen", baseURL: "http://127.0.0.1:9999/v1").provider as? OpenAIProvider)
        #expect(lmstudio.configuration.baseURL == "http://127.0.0.1:9999/v1")
    }

    @Test func missingKeyAndUnknownProviderAreTyped() {
        let registry = ProviderRegistry(environment: ["OPENAI_API_KEY": ""], transport: ReplayTransport([]))
        #expect(throws: ProviderRegistryError.missingAPIKey(provider: "openai", variable: "OPENAI_API_KEY")) {
            try registry.resolve("openai/gpt-4o-mini")
        }
        #expect(throws: ProviderRegistryError.self) { try registry.resolve("nosuch/model") }
    }

    @Test func aCustomBaseURLNeedsNoKey() throws {
        let registry = ProviderRegistry(environment: ["OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"], transport: ReplayTransport([]))
        let provider = try #require(try registry.resolve("gpt-x").provider as? OpenAIProvider)
        #expect(provider.configuration.baseURL == "http://127.0.0.1:8080/v1")
    }

    @Test func configuredListsLocalAndKeyedProviders() {
        let registry = ProviderRegistry(environment: ["MISTRAL_API_KEY": "m"], transport: ReplayTransport([]))
        let names = registry.configured.map(\.name)
        #expect(names.contains("mistral"))
        #expect(names.contains("llamacpp"))
        #expect(!names.contains("openai"))
    }

    @Test func registeringACustomEndpoint() throws {
        var registry = ProviderRegistry(environment: ["CORP_KEY": "c"], transport: ReplayTransport([]))
        registry.register(ProviderEndpoint(name: "corp", api: .openAIChat, defaultBaseURL: "http://127.0.0.1:7000/v1", apiKeyVariable: "CORP_KEY", requiresAPIKey: true))
        let provider = try #require(try registry.resolve("corp/m").provider as? OpenAIProvider)
        #expect(provider.configuration.apiKey == "c")
    }

    @Test func resolvedProvidersWorkEndToEndOverTheTransport() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("conformance/anthropic/plain-text.json"))])
        let registry = ProviderRegistry(environment: ["ANTHROPIC_API_KEY": "k", "ANTHROPIC_BASE_URL": "http://replay"], transport: transport)
        let (provider, model) = try registry.resolve("anthropic/claude-x")
        let reply = try await provider.complete(ChatRequest(model: model, messages: [.user("hi")]))
        #expect(reply.content == "Hello there.")
        #expect(transport.requests.first?.url == "http://replay/v1/messages")
    }

    @Test func everyWireFormatIsReachable() throws {
        let registry = ProviderRegistry(
            environment: ["GOOGLE_API_KEY": "g", "OLLAMA_HOST": "gpu-box", "OPENAI_API_KEY": "o"], transport: ReplayTransport([]))
        let gemini = try #require(try registry.resolve("gemini/gemini-2.5-flash").provider as? GeminiProvider)
        #expect(gemini.configuration.apiKey == "g")
        let ollama = try #require(try registry.resolve("ollama/llama3.2").provider as? OllamaProvider)
        #expect(ollama.configuration.host == "http://gpu-box:11434")
        let responses = try #require(try registry.resolve("openai-responses/gpt-5-mini").provider as? OpenAIResponsesProvider)
        #expect(responses.configuration.apiKey == "o")
        #expect(responses.name == "openai-responses")
        let explicit = try #require(try registry.resolve("ollama/x", baseURL: "127.0.0.1:9999").provider as? OllamaProvider)
        #expect(explicit.configuration.host == "http://127.0.0.1:9999")
    }
}
