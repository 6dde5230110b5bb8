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
    /// Read on its UTF-8 bytes: every character that delimits its parts is ASCII (a request reads its URL each time,
    /// and reading it by `Character` showed at 2% of the gateway's time).
    ///
    /// - Throws: `LLMError.network` naming what is wrong; the URL itself is not quoted, since a caller may
    ///   have put a key in its query.
    init(url: String) throws(LLMError) {
        let bytes = url.utf8
        guard let schemeEnd = Self.firstIndex(of: "://", in: bytes) else { throw Self.invalid("it has no scheme") }
        let usesTLS: Bool
        switch Self.asciiLowercased(bytes[..<schemeEnd]) {
        case "http": usesTLS = false
        case "https": usesTLS = true
        default: throw Self.invalid("only http and https are supported")
        }
        let afterScheme = bytes[bytes.index(schemeEnd, offsetBy: 3)...]
        let authorityEnd = afterScheme.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        if let userInfoEnd = authority.lastIndex(of: UInt8(ascii: "@")) {
            authority = authority[authority.index(after: userInfoEnd)...]
        }

        let host: Substring.UTF8View
        var portText: Substring.UTF8View?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { throw Self.invalid("an IPv6 address lacks its ']'") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == UInt8(ascii: ":") else { throw Self.invalid("unexpected text after the host") }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw Self.invalid("it has no host") }

        var port = usesTLS ? 443 : 80
        if let portText, !portText.isEmpty {
            var number = 0
            for digit in portText {
                guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9"), number <= 65535 else { number = -1; break }
                number = number * 10 + Int(digit - UInt8(ascii: "0"))
            }
            guard (1...65535).contains(number) else { throw Self.invalid("its port is not a number from 1 to 65535") }
            port = number
        }

        var target = afterScheme[authorityEnd...]
        if let fragment = target.firstIndex(of: UInt8(ascii: "#")) { target = target[..<fragment] }
        let path = target.first == UInt8(ascii: "/") ? String(Substring(target)) : "/" + String(Substring(target))

        origin = Origin(
            usesTLS: usesTLS, host: host.allSatisfy { $0 < 0x80 } ? Self.asciiLowercased(host) : Substring(host).lowercased(), port: port)
        self.target = path
    }

    /// Where `pattern` first occurs in `bytes`.
    private static func firstIndex(of pattern: StaticString, in bytes: String.UTF8View) -> String.Index? {
        let pattern = UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
        var start = bytes.startIndex
        while let candidate = bytes[start...].firstIndex(of: pattern[0]) {
            if bytes[candidate...].starts(with: pattern) { return candidate }
            start = bytes.index(after: candidate)
        }
        return nil
    }

    /// ASCII letters lowered; other bytes as they are.
    private static func asciiLowercased(_ bytes: Substring.UTF8View) -> String {
        String(decoding: bytes.lazy.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private static func invalid(_ why: String) -> LLMError {
        .network(reason: "invalid URL: \(why)")
    }
}
