@testable import LLM
import Testing

/// Which proxy a URL goes through, read from the environment as curl reads it.
@Suite struct ProxySettingsTests {
    func proxy(_ environment: [String: String], _ url: String) throws -> String? {
        try ProxySettings.environment(environment).proxy(forURL: url).map { $0.address }
    }

    @Test func eachSchemeReadsItsOwnVariableThenAllProxy() throws {
        let environment = ["http_proxy": "http://h:1", "https_proxy": "s:2", "ALL_PROXY": "http://a:3"]
        #expect(try proxy(environment, "http://api.example.com/v1") == "h:1")
        #expect(try proxy(environment, "https://api.example.com/v1") == "s:2")
        #expect(try proxy(["all_proxy": "a:3"], "https://x.org") == "a:3")
        #expect(try proxy(["all_proxy": "a:3"], "http://x.org") == "a:3")
        #expect(try proxy([:], "https://x.org") == nil)
        #expect(try proxy(["HTTPS_PROXY": "  "], "https://x.org") == nil, "an empty variable is unset")
    }

    @Test func anUpperCaseHTTPProxyIsIgnoredAsCurlIgnoresIt() throws {
        // In CGI-style hosting a request's `Proxy:` header becomes HTTP_PROXY ("httpoxy").
        #expect(try proxy(["HTTP_PROXY": "evil:1"], "http://api.example.com") == nil)
        #expect(try proxy(["HTTP_PROXY": "evil:1", "ALL_PROXY": "a:3"], "http://api.example.com") == "a:3")
        #expect(try proxy(["HTTPS_PROXY": "s:2"], "https://api.example.com") == "s:2")
    }

    @Test func theLowerCaseSpellingWins() throws {
        #expect(try proxy(["https_proxy": "low:1", "HTTPS_PROXY": "up:2"], "https://x.org") == "low:1")
        #expect(try proxy(["NO_PROXY": "x.org", "HTTPS_PROXY": "up:2"], "https://x.org") == nil)
    }

    @Test(arguments: [
        ("*", "https://anything.example", true),
        ("example.com", "https://example.com", true),
        ("example.com", "https://api.example.com", true),
        ("example.com", "https://notexample.com", false),
        (".example.com", "https://api.example.com", true),
        (".example.com", "https://example.com", true),
        ("*.example.com", "https://api.example.com", true),
        ("EXAMPLE.com", "https://Api.Example.COM", true),
        ("example.com", "https://api.example.com.", true),
        ("127.0.0.1", "http://127.0.0.1:8080", true),
        ("127.0.0.1", "http://127.0.0.10:8080", false),
        ("10.0.0.0/8", "http://10.2.3.4", true),
        ("10.0.0.0/8", "http://11.2.3.4", false),
        ("::1", "http://[::1]:11434", true),
        ("[::1]:11434", "http://[::1]:11434", true),
        ("[::1]:11434", "http://[::1]:8080", false),
        ("localhost:8080", "http://localhost:8080", true),
        ("localhost:8080", "http://localhost:8081", false),
        ("example.com:443", "https://example.com", true),
        ("a.org, b.org ,c.org", "https://c.org", true),
        ("a.org b.org", "https://b.org", true),
        ("", "https://c.org", false),
    ])
    func noProxyMatchesAsCurlDoes(_ noProxy: String, _ url: String, _ bypassed: Bool) throws {
        let environment = ["http_proxy": "p:1", "HTTPS_PROXY": "p:1", "NO_PROXY": noProxy]
        #expect(try (proxy(environment, url) == nil) == bypassed)
    }

    @Test func aProxyURLIsReadWithItsCredentials() throws {
        let proxy = try HTTPProxy(url: "http://us%40er:p%3Ass@proxy.corp:3128/")
        #expect(proxy.host == "proxy.corp")
        #expect(proxy.port == 3128)
        #expect(proxy.credentials?.username == "us@er")
        #expect(proxy.credentials?.password.exposedValue == "p:ss")
        #expect(proxy.authorization == "Basic dXNAZXI6cDpzcw==")
        #expect("\(proxy)" == "http://us@er:***@proxy.corp:3128")
        #expect(try HTTPProxy(url: "proxy.corp").port == 80, "no port: the scheme's, as the official SDKs read it")
        #expect(try HTTPProxy(url: "http://[::1]:3128").address == "[::1]:3128")
    }

    @Test(arguments: ["socks5://proxy:1080", "https://proxy:443", "http://", "http://proxy:99999"])
    func anUnsupportedOrBadProxyURLIsATypedErrorThatDoesNotQuoteIt(_ url: String) {
        #expect {
            try HTTPProxy(url: url)
        } throws: { error in
            guard case LLMError.invalidRequest(let details) = error else { return false }
            return details.message.hasPrefix("proxy URL:") && !details.message.contains("99999") && !(error as! LLMError).isRetryable
        }
    }

    @Test func aBadProxyVariableFailsOnlyTheRequestsItWouldCarry() throws {
        let settings = ProxySettings.environment([
            "HTTPS_PROXY": "socks5://user:secret@proxy:1080", "http_proxy": "http://good:8080", "NO_PROXY": "localhost",
        ])
        #expect {
            try settings.proxy(forURL: "https://api.openai.com/v1")
        } throws: { error in
            guard case LLMError.invalidRequest(let details) = error else { return false }
            return details.message.contains("HTTPS_PROXY") && !details.message.contains("secret")
        }
        #expect(try settings.proxy(forURL: "http://api.example.com")?.address == "good:8080", "the http:// variable is fine")
        #expect(try settings.proxy(forURL: "https://localhost:11434") == nil, "NO_PROXY's hosts go direct whatever the variables hold")
    }

    @Test func directAndExplicitSettings() throws {
        #expect(try ProxySettings.direct.proxy(forURL: "https://x.org") == nil)
        let explicit = try ProxySettings.proxy("http://p:3128", noProxy: "localhost")
        #expect(try explicit.proxy(forURL: "https://x.org")?.address == "p:3128")
        #expect(try explicit.proxy(forURL: "http://localhost:8080") == nil)
    }
}

/// The registry hands its proxy, or its environment's, to every provider it makes.
@Suite struct RegistryProxyTests {
    @Test func theRegistrysEnvironmentNamesTheProxyUnlessOneIsGiven() throws {
        let environment = ["OPENAI_API_KEY": "sk-x", "HTTPS_PROXY": "http://env-proxy:3128", "NO_PROXY": "internal"]
        let fromEnvironment = try #require(try ProviderRegistry(environment: environment).provider(named: "openai") as? OpenAIProvider)
        #expect(try fromEnvironment.configuration.proxy.proxy(forURL: "https://api.openai.com/v1")?.address == "env-proxy:3128")
        #expect(try fromEnvironment.configuration.proxy.proxy(forURL: "https://llm.internal/v1") == nil)

        let direct = try #require(try ProviderRegistry(environment: environment, proxy: .direct).provider(named: "anthropic", apiKey: "k") as? AnthropicProvider)
        #expect(try direct.configuration.proxy.proxy(forURL: "https://api.anthropic.com/v1") == nil)

        let explicit = try ProviderRegistry(environment: environment, proxy: .proxy("http://given:8080"))
        for name in ["gemini", "ollama", "openai-responses"] {
            let provider = try explicit.provider(named: name, apiKey: "k")
            let proxy: ProxySettings? = switch provider {
            case let p as GeminiProvider: p.configuration.proxy
            case let p as OllamaProvider: p.configuration.proxy
            case let p as OpenAIResponsesProvider: p.configuration.proxy
            default: nil
            }
            #expect(try proxy?.proxy(forURL: "https://example.com")?.address == "given:8080", "\(name)")
        }
    }
}
