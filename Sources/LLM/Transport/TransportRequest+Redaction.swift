import NIOHTTP1

extension TransportRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The method and URL, without the query's credentials.
    public var description: String { "\(method) \(Self.redacting(url))" }

    public var debugDescription: String {
        "TransportRequest(\(description), headers: \(Self.redacting(headers)), body: \(body?.readableBytes ?? 0) bytes)"
    }

    /// What `dump` and a debugger show: every field, with credentials masked (headers that carry them, a key in
    /// the URL's query) and the body as its length.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "method": method, "url": Self.redacting(url), "headers": Self.redacting(headers),
            "body": "\(body?.readableBytes ?? 0) bytes", "timeouts": timeouts, "readsWholeBody": readsWholeBody,
        ], displayStyle: .struct)
    }

    /// The headers as `name: value` pairs, values of those that carry credentials masked.
    static func redacting(_ headers: HTTPHeaders) -> [String] {
        headers.map { name, value in
            "\(name): \(SecretMasking.isSensitiveHeader(name) ? SecretMasking.maskHeaderValue(value) : value)"
        }
    }

    /// The names of query parameters that carry keys (Gemini's `key`, and the usual spellings of others').
    private static let credentialParameters: Set<String> = ["key", "api_key", "api-key", "apikey", "access_token", "token"]

    /// `url` with its user info and the values of credential parameters masked.
    static func redacting(_ url: String) -> String {
        var url = url
        if let schemeEnd = url.range(of: "://") {
            let authorityEnd = url[schemeEnd.upperBound...].firstIndex { "/?#".contains($0) } ?? url.endIndex
            if let at = url[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") {
                url.replaceSubrange(schemeEnd.upperBound..<at, with: "***")
            }
        }
        guard let queryStart = url.firstIndex(of: "?") else { return url }
        let fragmentStart = url[queryStart...].firstIndex(of: "#") ?? url.endIndex
        let pairs = url[url.index(after: queryStart)..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false)
        let masked = pairs.map { pair -> String in
            guard let equals = pair.firstIndex(of: "="),
                credentialParameters.contains(pair[..<equals].lowercased())
            else { return String(pair) }
            return pair[...equals] + SecretMasking.mask(String(pair[pair.index(after: equals)...]))
        }
        return url[...queryStart] + masked.joined(separator: "&") + url[fragmentStart...]
    }
}
