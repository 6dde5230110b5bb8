import Foundation
/// Where and how to reach an Ollama server through its native API (`/api/chat`, `/api/tags`).
public struct OllamaConfiguration: Sendable {
    /// The name used in errors and logs.
    public var name: String
    /// The server root, without `/api` (e.g. `http://127.0.0.1:11434`, or `https://proxy.example/ollama`).
    public var host: String
    /// Sent as a bearer token, for ollama.com or an authenticating proxy. A local server needs none.
    @Redacted public var apiKey: String?
    /// Headers added to every request.
    @Redacted public var headers: [String: String]
    public var timeouts: HTTPTimeouts
    public var retryPolicy: RetryPolicy
    /// The proxy requests go through: by default the one the environment names (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, except `NO_PROXY`'s hosts); `.direct` for none, `.proxy(url)` for a given one.
    public var proxy: ProxySettings = .processEnvironment
    public var options: OllamaOptions

    public static let defaultHost = "http://127.0.0.1:11434"

    /// Loading a large model can take minutes before the first byte, and a non-streamed reply sends its
    /// head only once the whole answer is written, so the first-byte limit is longer than the default.
    public static let defaultTimeouts = HTTPTimeouts(firstByte: .seconds(600), idle: .seconds(120), total: nil)

    /// `host` is used as given (a trailing `/` dropped); use ``OllamaHost/normalize(_:)`` for an
    /// `OLLAMA_HOST`-style value without scheme or port.
    public init(
        name: String = "ollama", host: String = OllamaConfiguration.defaultHost, apiKey: String? = nil,
        headers: [String: String] = [:], timeouts: HTTPTimeouts = OllamaConfiguration.defaultTimeouts,
        retryPolicy: RetryPolicy = .default, options: OllamaOptions = OllamaOptions()
    ) {
        var host = host
        while host.hasSuffix("/") { host.removeLast() }
        self.name = name
        self.host = host
        self.apiKey = apiKey
        self.headers = headers
        self.timeouts = timeouts
        self.retryPolicy = retryPolicy
        self.options = options
    }

    /// Reads the proxy variables (see ``ProxySettings/environment(_:)``) and `OLLAMA_HOST` (normalised as Ollama's own client does) and `OLLAMA_API_KEY`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> OllamaConfiguration {
        var configuration = OllamaConfiguration(
            host: OllamaHost.normalize(environment["OLLAMA_HOST"] ?? ""),
            apiKey: environment["OLLAMA_API_KEY"].flatMap { $0.isEmpty ? nil : $0 })
        configuration.proxy = .environment(environment)
        return configuration
    }
}
