/// A credential (an API key, a proxy password) that never shows in printed form.
///
/// `print`, `dump`, `String(describing:)`, `String(reflecting:)`, a debugger and `Encodable` output all see
/// it masked (`sk-…XYZ`, or `***` when short); only ``exposedValue`` gives the real text, for the one place that
/// sends it. Decoding reads the real value, so a key can come from a configuration file; encoding writes the masked
/// form, so an encoded copy is not a key any more (one way on purpose).
///
/// ```swift
/// let key: Secret = "sk-proj-0123456789abcdef"
/// print(key)  // sk-…def
/// ```
public struct Secret: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The real value, to send; never to print or log.
    public let exposedValue: String

    public init(_ value: String) {
        exposedValue = value
    }

    public init(stringLiteral value: String) {
        exposedValue = value
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { SecretMasking.mask(exposedValue) }
    public var debugDescription: String { "Secret(\(description))" }
    public var customMirror: Mirror { Mirror(self, children: ["masked": description]) }
}

extension Secret: Codable {
    public init(from decoder: any Decoder) throws {
        exposedValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Writes the masked form: a secret encoded for a log, a report or a response never leaves whole.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
