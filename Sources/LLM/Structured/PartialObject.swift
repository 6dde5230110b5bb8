/// One element of ``LLMProvider/streamObject(_:model:messages:system:options:)``: the JSON received so
/// far, the value when it already decodes, and on the last element the final, validated value.
public struct PartialObject<T> {
    /// The reply so far as parsed by ``PartialJSON`` (unwrapped like ``StructuredResponse/json``).
    public var json: JSONValue
    /// `json` decoded as `T` when it already decodes (every required property has arrived); on the
    /// final element, the validated value.
    public var value: T?
    /// True for the last element, whose `value` is the complete result (after any repair round).
    public var isFinal: Bool

    public init(json: JSONValue, value: T?, isFinal: Bool) {
        self.json = json
        self.value = value
        self.isFinal = isFinal
    }
}

extension PartialObject: Sendable where T: Sendable {}
