/// Visits every subschema of a JSON Schema (properties, items, unions, definitions), children first.
enum SchemaWalk {
    private static let schemaKeys = ["items", "additionalProperties", "not", "contains"]
    private static let listKeys = ["anyOf", "oneOf", "allOf", "prefixItems"]
    private static let mapKeys = ["properties", "$defs", "definitions", "patternProperties"]

    /// `schema` with `transform` applied to every object node, children before their parent.
    static func map(_ schema: JSONValue, _ transform: ([String: JSONValue]) -> [String: JSONValue]) -> JSONValue {
        guard case .object(var node) = schema else { return schema }
        for key in schemaKeys {
            switch node[key] {
            case .object?: node[key] = map(node[key]!, transform)
            case .array(let list)? where key == "items": node[key] = .array(list.map { map($0, transform) })
            default: break
            }
        }
        for key in listKeys {
            if case .array(let list)? = node[key] { node[key] = .array(list.map { map($0, transform) }) }
        }
        for key in mapKeys {
            if case .object(let children)? = node[key] { node[key] = .object(children.mapValues { map($0, transform) }) }
        }
        return .object(transform(node))
    }

    /// Whether any object node of `schema` satisfies `predicate`.
    static func contains(_ schema: JSONValue, where predicate: ([String: JSONValue]) -> Bool) -> Bool {
        var found = false
        _ = map(schema) { node in
            if predicate(node) { found = true }
            return node
        }
        return found
    }
}
