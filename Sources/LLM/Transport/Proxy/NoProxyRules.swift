/// The hosts a proxy is not used for, read from a `NO_PROXY` list as curl reads it: entries separated by commas
/// (or spaces); `*` alone matches every host; a domain matches itself and every name under it (a leading `.` or
/// `*.` is ignored); an IP address matches itself, an IPv4 CIDR block (`10.0.0.0/8`) every address in it; any
/// entry may end in `:port` (`[::1]:8080` for IPv6) to match that port only.
struct NoProxyRules: Sendable, Hashable {
    private enum Pattern: Hashable {
        case everything
        case domain(String)
        case address(String)
        case ipv4Block(network: UInt32, mask: UInt32)
    }

    private struct Rule: Hashable {
        var pattern: Pattern
        var port: Int?
    }

    private var rules: [Rule] = []

    static let none = NoProxyRules()

    init() {}

    init(parsing list: String) {
        let entries = list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map { $0.lowercased() }
        rules = entries.compactMap(Self.rule)
    }

    /// Whether a request to `host` (an IPv6 address without brackets) and `port` goes direct.
    func bypasses(host: String, port: Int) -> Bool {
        // `example.com.` is the same host as `example.com`.
        var host = host.lowercased()
        if host.hasSuffix("."), host.count > 1 { host.removeLast() }
        return rules.contains { rule in
            if let wanted = rule.port, wanted != port { return false }
            switch rule.pattern {
            case .everything: return true
            case .domain(let domain): return host == domain || host.hasSuffix("." + domain)
            case .address(let address): return host == address
            case .ipv4Block(let network, let mask):
                guard let value = Self.ipv4(host) else { return false }
                return value & mask == network
            }
        }
    }

    private static func rule(_ entry: String) -> Rule? {
        if entry == "*" { return Rule(pattern: .everything, port: nil) }
        var host = Substring(entry)
        var port: Int?
        if host.hasPrefix("[") {
            // [v6] or [v6]:port
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) }
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            // host:port (more than one colon is a bare IPv6 address)
            port = Int(host[host.index(after: colon)...])
            host = host[..<colon]
        }
        if let slash = host.firstIndex(of: "/") {
            guard let bits = Int(host[host.index(after: slash)...]), (0...32).contains(bits),
                let network = ipv4(String(host[..<slash]))
            else { return nil }
            let mask: UInt32 = bits == 0 ? 0 : UInt32.max << (32 - bits)
            return Rule(pattern: .ipv4Block(network: network & mask, mask: mask), port: port)
        }
        if host.contains(":") || ipv4(String(host)) != nil {
            return Rule(pattern: .address(String(host)), port: port)
        }
        if host.hasPrefix("*.") { host = host.dropFirst(2) }
        while host.hasPrefix(".") { host = host.dropFirst() }
        guard !host.isEmpty else { return nil }
        return Rule(pattern: .domain(String(host)), port: port)
    }

    /// A dotted IPv4 address as a number.
    private static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
