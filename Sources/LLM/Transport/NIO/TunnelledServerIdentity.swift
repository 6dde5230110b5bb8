import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that a server certificate names the real host of a request that went through a proxy tunnel.
///
/// swift-nio-ssl checks a certificate's IP address entries against the connection's remote address, which in a
/// tunnel is the proxy's: a proxy holding a trusted certificate for its own address could then pass for any host.
/// Tunnelled connections therefore verify the chain with swift-nio-ssl but the name here, against the target: a DNS
/// name for a host name (a `*` only as the whole leftmost label, matching one label), an IP address entry for an IP
/// address. No common-name fallback: certificates name their hosts in subject alternative names.
enum TunnelledServerIdentity {
    static func verify(_ certificate: NIOSSLCertificate?, host: String) throws(LLMError) {
        guard let certificate, names(certificate, host: host) else {
            throw .network(reason: "TLS error: the server's certificate does not name \(host)")
        }
    }

    static func names(_ certificate: NIOSSLCertificate, host: String) -> Bool {
        let address = ipAddressBytes(host)
        let wanted = Array((host.hasSuffix(".") ? String(host.dropLast()) : host).lowercased().utf8)
        for name in certificate._subjectAlternativeNames() {
            let contents = Array(name.contents)
            switch name.nameType {
            case .dnsName where address == nil:
                if dnsName(contents, matches: wanted) { return true }
            case .ipAddress:
                if let address, contents == address { return true }
            default:
                continue
            }
        }
        return false
    }

    /// RFC 6125 matching: case-insensitive, a wildcard only as the whole leftmost label.
    private static func dnsName(_ name: [UInt8], matches host: [UInt8]) -> Bool {
        var pattern = name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        if pattern.last == UInt8(ascii: ".") { pattern.removeLast() }
        guard pattern.starts(with: Array("*.".utf8)) else { return pattern == host }
        let suffix = pattern.dropFirst(1)  // ".example.com"
        guard let firstDot = host.firstIndex(of: UInt8(ascii: ".")), firstDot > 0 else { return false }
        return Array(host[firstDot...]) == Array(suffix)
    }

    /// The bytes of an IPv4 or IPv6 address, or nil for a host name.
    static func ipAddressBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
