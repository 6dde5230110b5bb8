import Foundation
/// Where and how to reach the Gemini API (Google AI Studio keys, `generativelanguage.googleapis.com`).
public struct GeminiConfiguration: Sendable {
    /// The name used in errors and logs.
    public var name: String
    /// The API root including the version, e.g. `https://generativelanguage.googleapis.com/v1beta`.
    public var baseURL: String
    /// Sent in the `x-goog-api-key` header, never in the URL (URLs end up in logs and proxies).
    @Redacted public var apiKey: String?
    /// Headers added to every request.
    @Redacted public var headers: [String: String]
    public var timeouts: HTTPTimeouts
    public var retryPolicy: RetryPolicy
    /// The proxy requests go through: by default the one the environment names (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, except `NO_PROXY`'s hosts); `.direct` for none, `.proxy(url)` for a given one.
    public var proxy: ProxySettings = .processEnvironment

    public static let geminiBaseURL = "https://generativelanguage.googleapis.com/v1beta"

    public init(
        name: String = "gemini", baseURL: String = GeminiConfiguration.geminiBaseURL, apiKey: String? = nil,
        headers: [String: String] = [:], timeouts: HTTPTimeouts = .default, retryPolicy: RetryPolicy = .default
    ) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.headers = headers
        self.timeouts = timeouts
        self.retryPolicy = retryPolicy
    }

    /// Reads the proxy variables (see ``ProxySettings/environment(_:)``) and `GEMINI_API_KEY` (or, when it is unset, `GOOGLE_API_KEY`) and `GOOGLE_GEMINI_BASE_URL` (the
    /// root without the version, as Google's SDKs read it; `/v1beta` is added unless a version is given).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> GeminiConfiguration {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let base = value("GOOGLE_GEMINI_BASE_URL").map { url in
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            let last = trimmed.split(separator: "/").last ?? ""
            return last.hasPrefix("v1") ? trimmed : trimmed + "/v1beta"
        }
        var configuration = GeminiConfiguration(baseURL: base ?? geminiBaseURL, apiKey: value("GEMINI_API_KEY") ?? value("GOOGLE_API_KEY"))
        configuration.proxy = .environment(environment)
        return configuration
    }
}
