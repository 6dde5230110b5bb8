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
/// stay readable), anything else as `<redacted>`. `Encodable` output is masked the same way.
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
    /// Writes the masked form, never the value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Redacted: Decodable where Value: Decodable {
    public init(from decoder: any Decoder) throws {
        wrappedValue = try Value(from: decoder)
    }
}
