import LLM
import Testing

/// `OLLAMA_HOST` is read the way Ollama's own client reads it (`envconfig.Host`).
@Suite struct OllamaHostTests {
    @Test(arguments: [
        ("", "http://127.0.0.1:11434"),
        ("0.0.0.0:11434", "http://0.0.0.0:11434"),
        ("myhost", "http://myhost:11434"),
        ("1.2.3.4", "http://1.2.3.4:11434"),
        ("1.2.3.4:1234", "http://1.2.3.4:1234"),
        ("example.com:1234", "http://example.com:1234"),
        // An empty host is "this machine" to Go's dialer; a URL spells it out.
        (":1234", "http://127.0.0.1:1234"),
        (":66000", "http://127.0.0.1:11434"),
        (":-1", "http://127.0.0.1:11434"),
        ("[::1]", "http://[::1]:11434"),
        ("::1", "http://[::1]:11434"),
        ("[::1]:1337", "http://[::1]:1337"),
        (" 1.2.3.4 ", "http://1.2.3.4:11434"),
        ("\"1.2.3.4\"", "http://1.2.3.4:11434"),
        (" \" 1.2.3.4 \" ", "http://1.2.3.4:11434"),
        ("'1.2.3.4'", "http://1.2.3.4:11434"),
        ("http://1.2.3.4", "http://1.2.3.4:80"),
        ("http://1.2.3.4:4321", "http://1.2.3.4:4321"),
        ("https://1.2.3.4", "https://1.2.3.4:443"),
        ("https://example.com/ollama", "https://example.com:443/ollama"),
        ("ollama.com", "https://ollama.com:443"),
    ])
    func normalisation(value: String, expected: String) {
        #expect(OllamaHost.normalize(value) == expected)
    }

    @Test func fromEnvironment() {
        let configuration = OllamaConfiguration.fromEnvironment(["OLLAMA_HOST": "gpu-box:11500", "OLLAMA_API_KEY": "k-1"])
        #expect(configuration.host == "http://gpu-box:11500")
        #expect(configuration.apiKey == "k-1")
        #expect(configuration.name == "ollama")
        let empty = OllamaConfiguration.fromEnvironment(["OLLAMA_API_KEY": ""])
        #expect(empty.host == "http://127.0.0.1:11434")
        #expect(empty.apiKey == nil)
    }

    @Test func explicitHostLosesItsTrailingSlash() {
        #expect(OllamaConfiguration(host: "https://proxy.example/ollama/").host == "https://proxy.example/ollama")
    }
}
