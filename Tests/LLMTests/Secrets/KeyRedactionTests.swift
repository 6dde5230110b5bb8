import Foundation
import LLM
import LLMTesting
import NIOHTTP1
import Testing

/// A key is in no printed form of anything that holds it: `print`, `dump`, `String(describing:)` and
/// `String(reflecting:)` of every configuration, provider, the registry, a transport request, the errors a server
/// that echoes the key back produces, and what the CLI prints, even with `--verbose`.
@Suite struct KeyRedactionTests {
    static let key = "sk-live-KEY-0123456789abcdefXYZ"
    static let proxyPassword = "proxy-PASSWORD-4321"

    /// Every printed form of `value`.
    static func printedForms(_ value: Any) -> [String] {
        var printed = ""
        print(value, to: &printed)
        var dumped = ""
        dump(value, to: &dumped)
        return [printed, dumped, String(describing: value), String(reflecting: value)]
    }

    static func expectNoSecret(in value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        for form in printedForms(value) {
            #expect(!form.contains(key), "the key shows in: \(form)", sourceLocation: sourceLocation)
            #expect(!form.contains(proxyPassword), "the proxy password shows in: \(form)", sourceLocation: sourceLocation)
        }
    }

    static let headers = ["authorization": "Bearer \(key)", "x-api-key": key, "x-goog-api-key": key, "x-team": "blue"]

    static func proxied() throws -> ProxySettings {
        try .proxy("http://user:\(proxyPassword)@127.0.0.1:3128")
    }

    @Test func configurationsAndProvidersNeverShowTheKey() throws {
        var openAI = OpenAIConfiguration(apiKey: Self.key, headers: Self.headers)
        openAI.proxy = try Self.proxied()
        var anthropic = AnthropicConfiguration(apiKey: Self.key, headers: Self.headers)
        anthropic.proxy = try Self.proxied()
        var gemini = GeminiConfiguration(apiKey: Self.key, headers: Self.headers)
        gemini.proxy = try Self.proxied()
        var ollama = OllamaConfiguration(apiKey: Self.key, headers: Self.headers)
        ollama.proxy = try Self.proxied()

        let values: [Any] = [
            openAI, anthropic, gemini, ollama,
            OpenAIProvider(configuration: openAI), OpenAIResponsesProvider(configuration: openAI),
            AnthropicProvider(configuration: anthropic), GeminiProvider(configuration: gemini),
            OllamaProvider(configuration: ollama),
            ProviderRegistry(environment: ["OPENAI_API_KEY": Self.key, "HTTPS_PROXY": "http://u:\(Self.proxyPassword)@p:1"]),
            try Self.proxied(), try HTTPProxy(url: "http://user:\(Self.proxyPassword)@p:1"),
            Secret(Self.key), Redacted(wrappedValue: Self.key),
        ]
        for value in values { Self.expectNoSecret(in: value) }
        // The owner still reads and sends the real value.
        #expect(openAI.apiKey == Self.key)
        #expect(openAI.headers["x-api-key"] == Self.key)
        #expect("\(Secret(Self.key))" == "sk-…XYZ")
        #expect(!"\(Secret("correct horse battery staple"))".contains("horse"), "a passphrase is masked whole")
        #expect(String(reflecting: TransportRequest(url: "http://x", headers: ["Ocp-Apim-Subscription-Key": Self.key])).contains("Ocp-Apim-Subscription-Key: sk-…XYZ"))
        #expect(String(decoding: try JSONEncoder().encode(Secret(Self.key)), as: UTF8.self) == #""sk-…XYZ""#)
        #expect(try JSONDecoder().decode(Secret.self, from: Data("\"\(Self.key)\"".utf8)).exposedValue == Self.key)
    }

    @Test func aResolvedProviderFromTheRegistryNeverShowsTheKey() throws {
        let registry = ProviderRegistry(environment: ["OPENAI_API_KEY": Self.key, "ANTHROPIC_API_KEY": Self.key, "GEMINI_API_KEY": Self.key])
        for name in ["openai", "anthropic", "gemini", "ollama", "openai-responses"] where registry.names.contains(name) {
            Self.expectNoSecret(in: try registry.provider(named: name, apiKey: Self.key))
        }
    }

    @Test func aTransportRequestNeverShowsItsCredentials() {
        var headers = HTTPHeaders(Self.headers.map { ($0.key, $0.value) })
        headers.add(name: "Proxy-Authorization", value: "Basic \(Self.key)")
        let request = TransportRequest(
            url: "https://generativelanguage.googleapis.com/v1beta/models/x:generateContent?alt=sse&key=\(Self.key)",
            headers: headers)
        Self.expectNoSecret(in: request)
        #expect(String(reflecting: request).contains("x-team: blue"), "other headers stay readable")
        #expect(String(reflecting: request).contains("alt=sse"))
    }

    /// A server that puts the request's headers in every answer, as some proxies and debugging servers do.
    @Test(arguments: [400, 401, 403, 404, 413, 429, 500, 503, 529, 200])
    func errorsFromAServerThatEchoesTheKeyNeverShowIt(status: Int) async throws {
        let server = try await StubHTTPServer.start { request in
            let echoed = request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
            // A 200 whose body is not a reply: a malformed response quoting what came.
            return status == 200
                ? .json(200, "not json: \(echoed)")
                : .json(status, #"{"error":{"message":"\#(echoed)","type":"\#(echoed)"}}"#)
        }
        defer { shut(server) }
        let providers: [any LLMProvider] = [
            OpenAIProvider(configuration: OpenAIConfiguration(baseURL: server.baseURL + "/v1", apiKey: Self.key, retryPolicy: .none)),
            AnthropicProvider(configuration: AnthropicConfiguration(baseURL: server.baseURL + "/v1", apiKey: Self.key, retryPolicy: .none)),
            GeminiProvider(configuration: GeminiConfiguration(baseURL: server.baseURL + "/v1beta", apiKey: Self.key, retryPolicy: .none)),
            OllamaProvider(configuration: OllamaConfiguration(host: server.baseURL, apiKey: Self.key, retryPolicy: .none)),
            OpenAIResponsesProvider(configuration: OpenAIConfiguration(baseURL: server.baseURL + "/v1", apiKey: Self.key, retryPolicy: .none)),
        ]
        for provider in providers {
            for streamed in [false, true] {
                do {
                    if streamed {
                        for try await _ in provider.stream(ChatRequest(model: "m", messages: [.user("x")])) {}
                    } else {
                        _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")]))
                    }
                    Issue.record("\(provider.name) answered a \(status) without an error")
                } catch {
                    Self.expectNoSecret(in: error)
                    if let error = error as? LLMError { Self.expectNoSecret(in: error.details as Any) }
                }
            }
        }
        #expect(server.requests.allSatisfy { request in request.headers.contains { $0.value.contains(Self.key) } }, "the key was sent")
    }

    @Test func aCredentialInTheConfiguredHeadersIsMaskedInErrorsToo() async throws {
        let server = try await StubHTTPServer.start { request in
            .json(401, #"{"error":{"message":"bad \#(request.header("api-key") ?? "") \#(request.header("authorization") ?? "")"}}"#)
        }
        defer { shut(server) }
        let provider = OpenAIProvider(configuration: OpenAIConfiguration(
            baseURL: server.baseURL + "/v1", headers: ["api-key": Self.key, "Authorization": "Bearer \(Self.proxyPassword)"],
            retryPolicy: .none))

        let error = await llmError { _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("x")])) }

        #expect(error?.kind == "authentication")
        Self.expectNoSecret(in: error as Any)
        #expect(server.requests.first?.header("api-key") == Self.key, "the header was sent as configured")
    }

    @Test func theCLINeverPrintsTheKeyOrTheProxyPasswordEvenWhenVerbose() async throws {
        let server = try await StubHTTPServer.start { request in
            .json(401, #"{"error":{"message":"bad key \#(request.header("authorization") ?? "")"}}"#)
        }
        defer { shut(server) }
        let result = try await CLIRunner.run(
            ["--verbose", "--api-key", Self.key, "--base-url", server.baseURL + "/v1", "-m", "openai/m", "hi"],
            environment: ["http_proxy": "http://user:\(Self.proxyPassword)@127.0.0.1:1", "NO_PROXY": "127.0.0.1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("request sent"), "verbose logs reach stderr: \(result)")
        #expect(!result.stdout.contains(Self.key) && !result.stderr.contains(Self.key), "\(result)")
        #expect(!result.stderr.contains(Self.proxyPassword))
    }
}
