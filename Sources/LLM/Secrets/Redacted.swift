/// A stored property that holds credentials (an API key, header values, an environment) and never shows them
/// in printed form, while the code that owns it reads and writes the real value as usual.
///
/// ```swift
/// public struct MyConfiguration {
///     @Redacted public var apiKey: String?
/// }
/// ```
///
/// `print`, `dump`, `String(reflecting:)` and a debugger show the owner's other fields as usual and this one
/// masked: strings as `sk-…XYZ` (`***` when short), string arrays and dictionaries element by element (keys
/// stay readable), anything else as `<redacted>`. `Encodable` output is masked the same way, so it cannot be read
/// back: keep real keys in the environment or a secret store, not in encoded copies.
@propertyWrapper
public struct Redacted<Value: Sendable>: Sendable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }
}

extension Redacted: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { SecretMasking.render(wrappedValue) }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["masked": description]) }
}

extension Redacted: Equatable where Value: Equatable {}
extension Redacted: Hashable where Value: Hashable {}

extension Redacted: Encodable where Value: Encodable {
    /// Writes the masked form, never the value (`null` for nil). One way only: there is no decoding it back.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let mirror = Mirror(reflecting: wrappedValue)
        if mirror.displayStyle == .optional, mirror.children.isEmpty {
            try container.encodeNil()
        } else {
            try container.encode(description)
        }
    }
}
