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
    /// Why a variable could not be read; requests then fail with this reason rather than go direct unnoticed.
    var invalidReason: String?

    private init(httpProxy: HTTPProxy?, httpsProxy: HTTPProxy?, exclusions: NoProxyRules, invalidReason: String? = nil) {
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.exclusions = exclusions
        self.invalidReason = invalidReason
    }

    /// No proxy: every request goes direct, whatever the environment says.
    public static let direct = ProxySettings(httpProxy: nil, httpsProxy: nil, exclusions: .none)

    /// `proxy` for every target, except the hosts of `noProxy` (a `NO_PROXY`-style list).
    public static func proxy(_ proxy: HTTPProxy, noProxy: String = "") -> ProxySettings {
        ProxySettings(httpProxy: proxy, httpsProxy: proxy, exclusions: NoProxyRules(parsing: noProxy))
    }

    /// The proxy at `url` (`http://[user:password@]host[:port]`) for every target, except the hosts of `noProxy`.
    ///
    /// - Throws: `LLMError.network` when the URL is not an `http://` proxy URL.
    public static func proxy(_ url: String, noProxy: String = "") throws(LLMError) -> ProxySettings {
        proxy(try HTTPProxy(url: url), noProxy: noProxy)
    }

    /// The variables curl and the official SDKs read, each in lower then upper case (the lower one wins):
    /// `http_proxy` for `http://` targets, `https_proxy` for `https://` ones, `all_proxy` for both when the
    /// specific one is not set, and `no_proxy` for the hosts that go direct. Empty variables count as unset.
    public static func environment(_ environment: [String: String]) -> ProxySettings {
        func value(_ name: String) -> (name: String, value: String)? {
            for spelling in [name.lowercased(), name.uppercased()] {
                if let value = environment[spelling], !value.trimmingCharacters(in: .whitespaces).isEmpty {
                    return (spelling, value)
                }
            }
            return nil
        }
        var invalid: String?
        func proxy(_ name: String) -> HTTPProxy? {
            guard let (spelling, url) = value(name) ?? value("all_proxy") else { return nil }
            do {
                return try HTTPProxy(url: url)
            } catch {
                if case .network(let reason) = error { invalid = invalid ?? "\(spelling): \(reason)" }
                return nil
            }
        }
        let http = proxy("http_proxy")
        let https = proxy("https_proxy")
        return ProxySettings(
            httpProxy: http, httpsProxy: https, exclusions: NoProxyRules(parsing: value("no_proxy")?.value ?? ""),
            invalidReason: invalid)
    }

    /// The settings of this process's environment (see ``environment(_:)``), read once, on first use.
    public static let processEnvironment = environment(ProcessInfo.processInfo.environment)

    /// The proxy a request to `url` goes through, or nil when it goes direct.
    ///
    /// - Throws: `LLMError.network` when `url` is not an `http` or `https` URL, or a proxy variable of the
    ///   environment these settings were read from is not a valid proxy URL.
    public func proxy(forURL url: String) throws(LLMError) -> HTTPProxy? {
        try proxy(for: HTTPEndpoint(url: url).origin)
    }

    func proxy(for origin: HTTPEndpoint.Origin) throws(LLMError) -> HTTPProxy? {
        if let invalidReason { throw .network(reason: "proxy settings: \(invalidReason)") }
        guard let proxy = origin.usesTLS ? httpsProxy : httpProxy else { return nil }
        return exclusions.bypasses(host: origin.host, port: origin.port) ? nil : proxy
    }
}
