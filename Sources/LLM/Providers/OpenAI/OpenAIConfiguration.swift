import Foundation
/// Where and how to reach an OpenAI-compatible Chat Completions server.
public struct OpenAIConfiguration: Sendable {
    /// The name used in errors and logs (`"openai"`, `"groq"`, `"llamacpp"`...).
    public var name: String
    /// The API root, including `/v1` (e.g. `http://127.0.0.1:8080/v1`).
    public var baseURL: String
    /// Sent as a bearer token. Local servers need none.
    @Redacted public var apiKey: String?
    public var organization: String?
    public var project: String?
    /// Headers added to every request.
    @Redacted public var headers: [String: String]
    public var timeouts: HTTPTimeouts
    public var retryPolicy: RetryPolicy
    /// The proxy requests go through: by default the one the environment names (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, except `NO_PROXY`'s hosts); `.direct` for none, `.proxy(url)` for a given one.
    public var proxy: ProxySettings = .processEnvironment
    /// Ask for token usage at the end of a stream (`stream_options.include_usage`). Servers that reject
    /// the field are retried without it automatically.
    public var requestStreamUsage: Bool

    public static let openAIBaseURL = "https://api.openai.com/v1"

    public init(
        name: String = "openai", baseURL: String = OpenAIConfiguration.openAIBaseURL, apiKey: String? = nil,
        organization: String? = nil, project: String? = nil, headers: [String: String] = [:],
        timeouts: HTTPTimeouts = .default, retryPolicy: RetryPolicy = .default, requestStreamUsage: Bool = true
    ) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.organization = organization
        self.project = project
        self.headers = headers
        self.timeouts = timeouts
        self.retryPolicy = retryPolicy
        self.requestStreamUsage = requestStreamUsage
    }

    /// Reads the proxy variables (see ``ProxySettings/environment(_:)``) and `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID` and `OPENAI_PROJECT_ID`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> OpenAIConfiguration {
        var configuration = OpenAIConfiguration(
            baseURL: environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? openAIBaseURL,
            apiKey: environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            organization: environment["OPENAI_ORG_ID"], project: environment["OPENAI_PROJECT_ID"])
        configuration.proxy = .environment(environment)
        return configuration
    }
}
