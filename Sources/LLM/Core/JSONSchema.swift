/// A JSON Schema document, as tools and structured output use it.
///
/// The schema is kept as a ``JSONValue`` so any keyword a provider understands can be expressed; the
/// static helpers build the common shapes.
public struct JSONSchema: Sendable, Hashable, Codable {
    public var value: JSONValue

    public init(_ value: JSONValue) { self.value = value }

    public init(from decoder: any Decoder) throws { value = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }

    /// An object schema; `required` defaults to every property.
    public static func object(
        _ properties: [String: JSONSchema], required: [String]? = nil, description: String? = nil,
        additionalProperties: Bool? = false
    ) -> JSONSchema {
        var schema: [String: JSONValue] = [
            "type": "object",
            "properties": .object(properties.mapValues(\.value)),
            "required": .array((required ?? properties.keys.sorted()).map(JSONValue.string)),
        ]
        if let description { schema["description"] = .string(description) }
        if let additionalProperties { schema["additionalProperties"] = .bool(additionalProperties) }
        return JSONSchema(.object(schema))
    }

    public static func string(description: String? = nil, enum values: [String]? = nil) -> JSONSchema {
        var schema: [String: JSONValue] = ["type": "string"]
        if let description { schema["description"] = .string(description) }
        if let values { schema["enum"] = .array(values.map(JSONValue.string)) }
        return JSONSchema(.object(schema))
    }

    public static func integer(description: String? = nil) -> JSONSchema { primitive("integer", description) }
    public static func number(description: String? = nil) -> JSONSchema { primitive("number", description) }
    public static func boolean(description: String? = nil) -> JSONSchema { primitive("boolean", description) }

    public static func array(of items: JSONSchema, description: String? = nil) -> JSONSchema {
        var schema: [String: JSONValue] = ["type": "array", "items": items.value]
        if let description { schema["description"] = .string(description) }
        return JSONSchema(.object(schema))
    }

    private static func primitive(_ type: String, _ description: String?) -> JSONSchema {
        var schema: [String: JSONValue] = ["type": .string(type)]
        if let description { schema["description"] = .string(description) }
        return JSONSchema(.object(schema))
    }
}
