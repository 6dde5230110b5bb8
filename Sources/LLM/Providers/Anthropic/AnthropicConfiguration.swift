import Foundation
/// Where and how to reach Anthropic's Messages API (or a server that speaks it, such as llama.cpp).
public struct AnthropicConfiguration: Sendable {
    public var name: String
    /// The API root including `/v1`.
    public var baseURL: String
    /// Sent as `x-api-key`.
    @Redacted public var apiKey: String?
    /// The `anthropic-version` header.
    public var version: String
    /// `anthropic-beta` features to enable.
    public var betas: [String]
    @Redacted public var headers: [String: String]
    public var timeouts: HTTPTimeouts
    public var retryPolicy: RetryPolicy
    /// The proxy requests go through: by default the one the environment names (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, except `NO_PROXY`'s hosts); `.direct` for none, `.proxy(url)` for a given one.
    public var proxy: ProxySettings = .processEnvironment
    public var options: AnthropicOptions

    public static let anthropicBaseURL = "https://api.anthropic.com/v1"

    public init(
        name: String = "anthropic", baseURL: String = AnthropicConfiguration.anthropicBaseURL, apiKey: String? = nil,
        version: String = "2023-06-01", betas: [String] = [], headers: [String: String] = [:],
        timeouts: HTTPTimeouts = .default, retryPolicy: RetryPolicy = .default, options: AnthropicOptions = AnthropicOptions()
    ) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.version = version
        self.betas = betas
        self.headers = headers
        self.timeouts = timeouts
        self.retryPolicy = retryPolicy
        self.options = options
    }

    /// Reads the proxy variables (see ``ProxySettings/environment(_:)``) and `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL` (the latter without `/v1`, as Anthropic's SDKs read it).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> AnthropicConfiguration {
        let base = environment["ANTHROPIC_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }.map { url in
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            return trimmed.hasSuffix("/v1") ? trimmed : trimmed + "/v1"
        }
        var configuration = AnthropicConfiguration(
            baseURL: base ?? anthropicBaseURL, apiKey: environment["ANTHROPIC_API_KEY"].flatMap { $0.isEmpty ? nil : $0 })
        configuration.proxy = .environment(environment)
        return configuration
    }
}
