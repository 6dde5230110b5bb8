import Foundation

/// An HTTP proxy: `http://` targets go through it in absolute form, `https://` targets through a `CONNECT`
/// tunnel, with TLS end to end to the real host.
///
/// Its credentials are sent as `Proxy-Authorization: Basic`, and never show in printed form.
public struct HTTPProxy: Sendable, Hashable {
    /// A user name and password for the proxy.
    public struct Credentials: Sendable, Hashable {
        public var username: String
        public var password: Secret

        public init(username: String, password: Secret) {
            self.username = username
            self.password = password
        }
    }

    /// The proxy's host name or IP address (an IPv6 address without brackets).
    public var host: String
    public var port: Int
    public var credentials: Credentials?

    public init(host: String, port: Int, credentials: Credentials? = nil) {
        self.host = host
        self.port = port
        self.credentials = credentials
    }

    /// Reads a proxy URL as curl and the official SDKs do: `http://[user:password@]host[:port]`, the scheme
    /// optional, the port 80 when absent (the scheme's, as the official Python SDKs read it), user name and
    /// password percent-decoded.
    ///
    /// - Throws: `LLMError.invalidRequest` (not retried) saying what is wrong (an `https://` or SOCKS proxy is not
    ///   supported); the URL itself is not quoted, since it may hold a password.
    public init(url: String) throws(LLMError) {
        var rest = Substring(url.trimmingCharacters(in: .whitespaces))
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" else {
                throw Self.invalid("only http:// proxies are supported, not \(scheme)://")
            }
            rest = rest[schemeEnd.upperBound...]
        }
        if let pathStart = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            rest = rest[..<pathStart]
        }
        var credentials: Credentials?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            let colon = userInfo.firstIndex(of: ":") ?? userInfo.endIndex
            let username = String(userInfo[..<colon]).removingPercentEncoding ?? String(userInfo[..<colon])
            let password = colon == userInfo.endIndex ? "" : String(userInfo[userInfo.index(after: colon)...])
            credentials = Credentials(username: username, password: Secret(password.removingPercentEncoding ?? password))
            rest = rest[rest.index(after: at)...]
        }
        do {
            let endpoint = try HTTPEndpoint(url: "http://" + rest)
            self.init(host: endpoint.origin.host, port: endpoint.origin.port, credentials: credentials)
        } catch {
            throw Self.invalid("it has no valid host and port")
        }
    }

    private static func invalid(_ why: String) -> LLMError {
        .invalidRequest(ProviderErrorDetails(provider: "proxy settings", message: "proxy URL: \(why)"))
    }

    /// `host:port`, as errors and logs name the proxy.
    var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The `Proxy-Authorization` header's value, when the proxy has credentials.
    var authorization: String? {
        guard let credentials else { return nil }
        let pair = credentials.username + ":" + credentials.password.exposedValue
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }
}

extension HTTPProxy {
    /// The error of a `407 Proxy Authentication Required`: the proxy, not the model server, refused.
    var credentialsRefused: LLMError {
        let message = credentials == nil
            ? "the proxy asks for credentials; give them in the proxy URL (http://user:password@host:port)"
            : "the proxy refused the credentials of the proxy URL"
        return .authentication(ProviderErrorDetails(provider: "proxy \(address)", status: 407, message: message))
    }
}

extension HTTPProxy: CustomStringConvertible {
    /// `http://user:***@host:port`: the password never shows.
    public var description: String {
        let user = credentials.map { "\($0.username):***@" } ?? ""
        return "http://\(user)\(address)"
    }
}
