import LLM

/// Builds a small JSON value that satisfies a JSON Schema: the first enum value, the minimum of a
/// number, `minItems` array items, every object property.
public enum SchemaExample {
    public static func value(for schema: JSONValue) -> JSONValue {
        guard case .object(let schema) = schema else { return .null }
        if let constant = schema["const"] { return constant }
        if let first = schema["enum"]?.arrayValue?.first { return first }
        if let options = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue, let first = options.first {
            return value(for: first)
        }
        switch typeName(schema["type"]) {
        case "object":
            var object: [String: JSONValue] = [:]
            for (name, property) in schema["properties"]?.objectValue ?? [:] {
                object[name] = value(for: property)
            }
            return .object(object)
        case "array":
            let count = max(1, schema["minItems"]?.intValue ?? 1)
            let item = value(for: schema["items"] ?? .object([:]))
            return .array(Array(repeating: item, count: count))
        case "string":
            let minimum = schema["minLength"]?.intValue ?? 0
            let text = "example"
            return .string(text.count >= minimum ? text : text + String(repeating: "x", count: minimum - text.count))
        case "integer":
            return .int(schema["minimum"]?.intValue ?? 0)
        case "number":
            return .double(schema["minimum"]?.doubleValue ?? 0)
        case "boolean":
            return .bool(false)
        default:
            return .null
        }
    }

    /// `"type"` may be a name or a list such as `["string", "null"]`: take the first non-null one.
    private static func typeName(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let name): return name
        case .array(let names): return names.compactMap(\.stringValue).first { $0 != "null" } ?? "null"
        default: return nil
        }
    }
}
