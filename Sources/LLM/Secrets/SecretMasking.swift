/// How a secret is shown where a person may read it (descriptions, dumps, logs, encoded output): never whole.
enum SecretMasking {
    /// The header fields whose values carry credentials.
    static let sensitiveHeaderNames: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie",
    ]

    /// Whether a header's value carries a credential; names compare case-insensitively.
    static func isSensitiveHeader(_ name: String) -> Bool {
        sensitiveHeaderNames.contains(name.lowercased())
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

    /// `sk-…XYZ` for a value long enough that six of its characters say nothing about the rest, `***` otherwise.
    /// An authorization scheme in front (`Bearer `, `Basic `) is kept: it tells which kind of credential it was.
    static func mask(_ value: String) -> String {
        if let space = value.firstIndex(of: " "), value[..<space].allSatisfy({ $0.isLetter }) {
            return value[...space] + mask(String(value[value.index(after: space)...]))
        }
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
            return "[" + strings.map { "\"\(mask($0))\"" }.joined(separator: ", ") + "]"
        case let fields as [String: String]:
            guard !fields.isEmpty else { return "[:]" }
            return "[" + fields.keys.sorted().map { "\"\($0)\": \"\(mask(fields[$0]!))\"" }.joined(separator: ", ") + "]"
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
