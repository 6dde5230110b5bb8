/// Turns an `OLLAMA_HOST` value into a base URL the way Ollama's own client (`envconfig.Host`) does.
///
/// The value may lack the scheme, the port or both: `"0.0.0.0:11434"` becomes `http://0.0.0.0:11434`,
/// `"myhost"` becomes `http://myhost:11434`, `"https://example.com/ollama"` becomes
/// `https://example.com:443/ollama`. Surrounding spaces and quotes are ignored.
public enum OllamaHost {
    public static let defaultPort = "11434"

    public static func normalize(_ raw: String) -> String {
        var text = raw.trimmingWhitespace()
        // Ollama trims quotes, then spaces again: `" \" 1.2.3.4 \" "` is `1.2.3.4`.
        while let first = text.first, first == "\"" || first == "'" { text.removeFirst() }
        while let last = text.last, last == "\"" || last == "'" { text.removeLast() }
        text = text.trimmingWhitespace()

        // The hosted service is named without a scheme in Ollama's docs.
        if text == "ollama.com" { return "https://ollama.com:443" }

        var scheme = "http"
        var fallbackPort = defaultPort
        var rest = Substring(text)
        if let separator = text.range(of: "://") {
            scheme = String(text[..<separator.lowerBound])
            rest = text[separator.upperBound...]
            // An explicit scheme without a port means that scheme's usual port, not Ollama's.
            if scheme == "http" { fallbackPort = "80" }
            if scheme == "https" { fallbackPort = "443" }
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }

        var host: String
        var port: String
        if let (splitHost, splitPort) = splitHostPort(String(rest)) {
            host = splitHost
            port = splitPort
        } else {
            let unbracketed = rest.droppingEnds(in: "[]")
            host = unbracketed.isEmpty ? "127.0.0.1" : (isIPv6(unbracketed) ? unbracketed : String(rest))
            port = fallbackPort
        }
        // A port that is not a number in 0...65535 falls back, as in Ollama (which logs a warning).
        if Int(port).map({ !(0...65535).contains($0) }) ?? true { port = fallbackPort }
        // `:11434` means "this machine" to Go's dialer; a URL needs the host spelled out.
        if host.isEmpty { host = "127.0.0.1" }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart):\(port)" + (path.isEmpty ? "" : "/" + path)
    }

    /// Go's `net.SplitHostPort`: `host:port` or `[v6]:port`; nil when there is no port separator or the
    /// host has stray colons.
    static func splitHostPort(_ text: String) -> (String, String)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { return nil }
            return (String(text[text.index(after: text.startIndex)..<close]), String(after.dropFirst()))
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = text[..<colon]
        guard !host.contains(":") else { return nil }
        return (String(host), String(text[text.index(after: colon)...]))
    }

    static func isIPv6(_ text: String) -> Bool {
        text.contains(":") && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}

extension StringProtocol {
    fileprivate func droppingEnds(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}
