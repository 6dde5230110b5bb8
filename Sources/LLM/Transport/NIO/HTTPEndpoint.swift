/// Where a request goes, read from its absolute URL: the scheme, host and port a connection is made to (and
/// pooled by), and the request target sent in the request line.
struct HTTPEndpoint: Sendable {
    /// What a pooled connection is shared by.
    struct Origin: Hashable, Sendable {
        /// `true` for `https`.
        var usesTLS: Bool
        /// The host name or IP address, without the brackets of an IPv6 literal.
        var host: String
        var port: Int
        /// The proxy the connection goes through: connections through it are not shared with direct ones.
        var proxy: HTTPProxy?
    }

    var origin: Origin
    /// The path and query, e.g. `/v1/chat/completions?beta=1`; `/` when the URL has no path.
    var target: String

    /// The `Host` header's value: the host, and the port unless it is the scheme's default.
    var hostHeader: String {
        let host = origin.host.contains(":") ? "[\(origin.host)]" : origin.host
        let defaultPort = origin.usesTLS ? 443 : 80
        return origin.port == defaultPort ? host : "\(host):\(origin.port)"
    }

    /// What the request line names: the path and query, or for `http` through a proxy, the absolute URL.
    var requestTarget: String {
        origin.proxy != nil && !origin.usesTLS ? "http://" + hostHeader + target : target
    }

    /// Where the connection is made to: the proxy, if any, else the origin itself.
    var connectAddress: (host: String, port: Int) {
        origin.proxy.map { ($0.host, $0.port) } ?? (origin.host, origin.port)
    }

    /// The name sent for TLS's server name indication: the host, unless it is an IP address (which SNI forbids).
    var serverName: String? {
        let host = origin.host
        let isIPv4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && host.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber }
        return isIPv4 || host.contains(":") ? nil : host
    }

    /// Reads an absolute `http` or `https` URL.
    ///
    /// - Throws: `LLMError.network` naming what is wrong; the URL itself is not quoted, since a caller may
    ///   have put a key in its query.
    init(url: String) throws(LLMError) {
        guard let schemeEnd = url.range(of: "://") else { throw Self.invalid("it has no scheme") }
        let usesTLS: Bool
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "http": usesTLS = false
        case "https": usesTLS = true
        default: throw Self.invalid("only http and https are supported")
        }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        if let userInfoEnd = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: userInfoEnd)...]
        }

        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Self.invalid("an IPv6 address lacks its ']'") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw Self.invalid("unexpected text after the host") }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw Self.invalid("it has no host") }

        var port = usesTLS ? 443 : 80
        if let portText, !portText.isEmpty {
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText), (1...65535).contains(number)
            else { throw Self.invalid("its port is not a number from 1 to 65535") }
            port = number
        }

        var target = afterScheme[authorityEnd...]
        if let fragment = target.firstIndex(of: "#") { target = target[..<fragment] }
        let path = target.hasPrefix("/") ? String(target) : "/" + target

        origin = Origin(usesTLS: usesTLS, host: host.lowercased(), port: port)
        self.target = path
    }

    private static func invalid(_ why: String) -> LLMError {
        .network(reason: "invalid URL: \(why)")
    }
}
