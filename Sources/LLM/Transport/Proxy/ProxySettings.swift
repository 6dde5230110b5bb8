import Foundation

/// Which proxy, if any, a request goes through: read from the environment as curl reads it (the default), one
/// given explicitly, or none.
///
/// ```swift
/// var configuration = OpenAIConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
/// configuration.proxy = try .proxy("http://user:pass@proxy.internal:3128", noProxy: "localhost,.internal")
/// ```
///
/// Honoured by ``NIOHTTPTransport`` (the default); ``AsyncHTTPClientTransport`` uses the proxy of its own
/// `HTTPClient` configuration instead.
public struct ProxySettings: Sendable, Hashable {
    /// The proxy for `http://` targets.
    public var httpProxy: HTTPProxy?
    /// The proxy for `https://` targets.
    public var httpsProxy: HTTPProxy?
    /// The hosts that go direct.
    var exclusions: NoProxyRules
    /// Why the variable for `http://` targets (or `https://` ones) could not be read: requests that would go
    /// through it fail with this reason rather than go direct unnoticed.
    var invalidHTTP: String?
    var invalidHTTPS: String?

    private init(
        httpProxy: HTTPProxy?, httpsProxy: HTTPProxy?, exclusions: NoProxyRules, invalidHTTP: String? = nil, invalidHTTPS: String? = nil
    ) {
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.exclusions = exclusions
        self.invalidHTTP = invalidHTTP
        self.invalidHTTPS = invalidHTTPS
    }

    /// No proxy: every request goes direct, whatever the environment says.
    public static let direct = ProxySettings(httpProxy: nil, httpsProxy: nil, exclusions: .none)

    /// `proxy` for every target, except the hosts of `noProxy` (a `NO_PROXY`-style list).
    public static func proxy(_ proxy: HTTPProxy, noProxy: String = "") -> ProxySettings {
        ProxySettings(httpProxy: proxy, httpsProxy: proxy, exclusions: NoProxyRules(parsing: noProxy))
    }

    /// The proxy at `url` (`http://[user:password@]host[:port]`) for every target, except the hosts of `noProxy`.
    ///
    /// - Throws: `LLMError.invalidRequest` when the URL is not an `http://` proxy URL.
    public static func proxy(_ url: String, noProxy: String = "") throws(LLMError) -> ProxySettings {
        proxy(try HTTPProxy(url: url), noProxy: noProxy)
    }

    /// The variables curl reads: `http_proxy` for `http://` targets (lower case only: an upper-case `HTTP_PROXY`
    /// can be set from a request header in CGI-style hosting, the "httpoxy" hole, so curl ignores it),
    /// `https_proxy` / `HTTPS_PROXY` for `https://` ones, `all_proxy` / `ALL_PROXY` for both when the specific one
    /// is not set, and `no_proxy` / `NO_PROXY` for the hosts that go direct; the lower-case spelling wins. Empty
    /// variables count as unset.
    public static func environment(_ environment: [String: String]) -> ProxySettings {
        func value(_ name: String, upperCaseToo: Bool = true) -> (name: String, value: String)? {
            for spelling in [name.lowercased()] + (upperCaseToo ? [name.uppercased()] : []) {
                if let value = environment[spelling], !value.trimmingCharacters(in: .whitespaces).isEmpty {
                    return (spelling, value)
                }
            }
            return nil
        }
        func proxy(_ variable: (name: String, value: String)?) -> (HTTPProxy?, invalid: String?) {
            guard let (spelling, url) = variable else { return (nil, nil) }
            do {
                return (try HTTPProxy(url: url), nil)
            } catch {
                return (nil, "\(spelling): \(error.details?.message ?? "\(error)")")
            }
        }
        let (http, invalidHTTP) = proxy(value("http_proxy", upperCaseToo: false) ?? value("all_proxy"))
        let (https, invalidHTTPS) = proxy(value("https_proxy") ?? value("all_proxy"))
        return ProxySettings(
            httpProxy: http, httpsProxy: https, exclusions: NoProxyRules(parsing: value("no_proxy")?.value ?? ""),
            invalidHTTP: invalidHTTP, invalidHTTPS: invalidHTTPS)
    }

    /// The settings of this process's environment (see ``environment(_:)``), read once, on first use.
    public static let processEnvironment = environment(ProcessInfo.processInfo.environment)

    /// The proxy a request to `url` goes through, or nil when it goes direct.
    ///
    /// - Throws: `LLMError.network` when `url` is not an `http` or `https` URL; `LLMError.invalidRequest` (not
    ///   retried) when the variable that names this URL's proxy is not a valid proxy URL. A host of `NO_PROXY`
    ///   goes direct whatever the proxy variables hold.
    public func proxy(forURL url: String) throws(LLMError) -> HTTPProxy? {
        try proxy(for: HTTPEndpoint(url: url).origin)
    }

    func proxy(for origin: HTTPEndpoint.Origin) throws(LLMError) -> HTTPProxy? {
        if exclusions.bypasses(host: origin.host, port: origin.port) { return nil }
        if let invalid = origin.usesTLS ? invalidHTTPS : invalidHTTP {
            throw .invalidRequest(ProviderErrorDetails(provider: "proxy settings", message: invalid))
        }
        return origin.usesTLS ? httpsProxy : httpProxy
    }
}
