/// What a ``StructuredOutput`` type adds to its derived JSON Schema: a description of the type and one
/// ``PropertyHint`` per JSON property name.
///
/// A dictionary literal gives the property hints alone:
/// `static let schemaHints: SchemaHints = ["name": .maxLength(40)]`.
public struct SchemaHints: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The description of the type itself (a property's own description wins where both apply).
    public var description: String?
    /// Hints by JSON property name.
    public var properties: [String: PropertyHint]

    /// No hints.
    public init() {
        self.init(description: nil, [:])
    }

    /// Property hints without a description of the type.
    public init(_ properties: [String: PropertyHint]) {
        self.init(description: nil, properties)
    }

    public init(description: String?, _ properties: [String: PropertyHint] = [:]) {
        self.description = description
        self.properties = properties
    }

    public init(dictionaryLiteral elements: (String, PropertyHint)...) {
        self.init(description: nil, Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// Constraints and documentation for one property, built by chaining:
/// `.description("Age in years").range(0...130)`.
///
/// Scalar keywords (allowed values, bounds, lengths, pattern, format) given for an array property apply
/// to its items; `minItems`/`maxItems` apply to the array itself.
public struct PropertyHint: Sendable, Hashable {
    public var description: String?
    /// Allowed string values (JSON Schema `enum`).
    public var allowedValues: [String]?
    public var minimum: Double?
    public var maximum: Double?
    public var minLength: Int?
    public var maxLength: Int?
    public var minItems: Int?
    public var maxItems: Int?
    /// A regular expression the string must match (JSON Schema `pattern`).
    public var pattern: String?
    /// A JSON Schema `format` such as `"email"` or `"date"`.
    public var format: String?

    public init(
        description: String? = nil, allowedValues: [String]? = nil, minimum: Double? = nil, maximum: Double? = nil,
        minLength: Int? = nil, maxLength: Int? = nil, minItems: Int? = nil, maxItems: Int? = nil,
        pattern: String? = nil, format: String? = nil
    ) {
        self.description = description
        self.allowedValues = allowedValues
        self.minimum = minimum
        self.maximum = maximum
        self.minLength = minLength
        self.maxLength = maxLength
        self.minItems = minItems
        self.maxItems = maxItems
        self.pattern = pattern
        self.format = format
    }

    private func with(_ change: (inout PropertyHint) -> Void) -> PropertyHint {
        var copy = self
        change(&copy)
        return copy
    }

    // Each modifier exists as a static starter and as an instance method, so chains read naturally.

    public static func description(_ text: String) -> PropertyHint { PropertyHint().description(text) }
    public func description(_ text: String) -> PropertyHint { with { $0.description = text } }

    /// The string must be one of `values`.
    public static func allowed(_ values: String...) -> PropertyHint { PropertyHint().allowed(values) }
    public static func allowed(_ values: [String]) -> PropertyHint { PropertyHint().allowed(values) }
    public func allowed(_ values: String...) -> PropertyHint { allowed(values) }
    public func allowed(_ values: [String]) -> PropertyHint { with { $0.allowedValues = values } }

    public static func minimum(_ value: Double) -> PropertyHint { PropertyHint().minimum(value) }
    public func minimum(_ value: Double) -> PropertyHint { with { $0.minimum = value } }
    public static func maximum(_ value: Double) -> PropertyHint { PropertyHint().maximum(value) }
    public func maximum(_ value: Double) -> PropertyHint { with { $0.maximum = value } }
    /// `minimum` and `maximum` at once.
    public static func range(_ bounds: ClosedRange<Double>) -> PropertyHint { PropertyHint().range(bounds) }
    public func range(_ bounds: ClosedRange<Double>) -> PropertyHint {
        with { $0.minimum = bounds.lowerBound; $0.maximum = bounds.upperBound }
    }
    public static func range(_ bounds: ClosedRange<Int>) -> PropertyHint { PropertyHint().range(bounds) }
    public func range(_ bounds: ClosedRange<Int>) -> PropertyHint {
        range(Double(bounds.lowerBound)...Double(bounds.upperBound))
    }

    public static func minLength(_ count: Int) -> PropertyHint { PropertyHint().minLength(count) }
    public func minLength(_ count: Int) -> PropertyHint { with { $0.minLength = count } }
    public static func maxLength(_ count: Int) -> PropertyHint { PropertyHint().maxLength(count) }
    public func maxLength(_ count: Int) -> PropertyHint { with { $0.maxLength = count } }
    /// `minLength` and `maxLength` at once (in characters).
    public static func length(_ bounds: ClosedRange<Int>) -> PropertyHint { PropertyHint().length(bounds) }
    public func length(_ bounds: ClosedRange<Int>) -> PropertyHint {
        with { $0.minLength = bounds.lowerBound; $0.maxLength = bounds.upperBound }
    }

    public static func minItems(_ count: Int) -> PropertyHint { PropertyHint().minItems(count) }
    public func minItems(_ count: Int) -> PropertyHint { with { $0.minItems = count } }
    public static func maxItems(_ count: Int) -> PropertyHint { PropertyHint().maxItems(count) }
    public func maxItems(_ count: Int) -> PropertyHint { with { $0.maxItems = count } }
    /// `minItems` and `maxItems` at once.
    public static func items(_ bounds: ClosedRange<Int>) -> PropertyHint { PropertyHint().items(bounds) }
    public func items(_ bounds: ClosedRange<Int>) -> PropertyHint {
        with { $0.minItems = bounds.lowerBound; $0.maxItems = bounds.upperBound }
    }

    public static func pattern(_ regex: String) -> PropertyHint { PropertyHint().pattern(regex) }
    public func pattern(_ regex: String) -> PropertyHint { with { $0.pattern = regex } }
    public static func format(_ name: String) -> PropertyHint { PropertyHint().format(name) }
    public func format(_ name: String) -> PropertyHint { with { $0.format = name } }
}
