/// How a secret is shown where a person may read it (descriptions, dumps, logs, encoded output): never whole.
enum SecretMasking {
    /// Words whose presence in a header's name marks its value as a credential: `authorization`, `x-api-key`,
    /// `x-goog-api-key`, `proxy-authorization`, and the many vendors' own (`Ocp-Apim-Subscription-Key`,
    /// `x-portkey-api-key`, `Helicone-Auth`...).
    static let sensitiveNameParts = ["auth", "key", "token", "secret", "cookie", "password", "signature", "credential"]

    /// Whether a header's value carries a credential; names compare case-insensitively.
    static func isSensitiveHeader(_ name: String) -> Bool {
        let name = name.lowercased()
        return sensitiveNameParts.contains { name.contains($0) }
    }

    /// The authorization schemes kept in front of a masked header value: they say which kind of credential it was.
    static let schemes = ["Bearer ", "Basic ", "Token ", "Bot "]

    /// A header value as it may be shown: a known scheme kept, the credential after it masked.
    static func maskHeaderValue(_ value: String) -> String {
        for scheme in schemes where value.count > scheme.count && value.lowercased().hasPrefix(scheme.lowercased()) {
            return value.prefix(scheme.count) + mask(String(value.dropFirst(scheme.count)))
        }
        return mask(value)
    }

    /// The values a provider masks in what a server sends back: its key, and the values of the configured headers
    /// that carry credentials (with a `Bearer ` or `Basic ` scheme, the credential after it too).
    static func secrets(apiKey: String?, headers: [String: String]) -> [String] {
        var secrets = [apiKey].compactMap { $0 }
        for (name, value) in headers where isSensitiveHeader(name) {
            secrets.append(value)
            if let space = value.firstIndex(of: " ") { secrets.append(String(value[value.index(after: space)...])) }
        }
        // Longest first, so that a value containing another is masked whole.
        return secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// `sk-…XYZ` for a value long enough (16 characters or more) that six of its characters say nothing about the
    /// rest, `***` otherwise.
    static func mask(_ value: String) -> String {
        let characters = Array(value)
        guard characters.count >= 16 else { return "***" }
        return String(characters.prefix(3)) + "…" + String(characters.suffix(3))
    }

    /// Any value as it may be shown: strings masked, string collections masked element by element (a dictionary
    /// keeps its keys, which name headers or variables), anything else hidden whole.
    static func render(_ value: Any) -> String {
        switch value {
        case let string as String:
            return mask(string)
        case let strings as [String]:
            return "[" + strings.map { "\"\(maskHeaderValue($0))\"" }.joined(separator: ", ") + "]"
        case let fields as [String: String]:
            guard !fields.isEmpty else { return "[:]" }
            return "[" + fields.keys.sorted().map { "\"\($0)\": \"\(maskHeaderValue(fields[$0]!))\"" }.joined(separator: ", ") + "]"
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else { return "nil" }
                return render(wrapped)
            }
            return "<redacted>"
        }
    }
}
