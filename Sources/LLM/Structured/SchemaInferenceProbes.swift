// Generic containers are answered from their element types instead of by running their
// `init(from:)`: it would need an element value, which a recursive element type cannot supply, and
// an empty collection is a fine placeholder.

protocol OptionalSchemaProbe {
    static func probe(_ inference: SchemaInference, hint: PropertyHint?, path: [any CodingKey]) throws -> (Any, JSONValue)
}

extension Optional: OptionalSchemaProbe where Wrapped: Decodable {
    static func probe(_ inference: SchemaInference, hint: PropertyHint?, path: [any CodingKey]) throws -> (Any, JSONValue) {
        let schema = try inference.infer(Wrapped.self, hint: hint, path: path).schema
        return (Wrapped?.none as Any, SchemaInference.nullable(schema))
    }
}

protocol CollectionSchemaProbe {
    static func probe(_ inference: SchemaInference, path: [any CodingKey]) throws -> (Any, JSONValue)
}

extension Array: CollectionSchemaProbe where Element: Decodable {
    static func probe(_ inference: SchemaInference, path: [any CodingKey]) throws -> (Any, JSONValue) {
        let items = try inference.infer(Element.self, hint: nil, path: path).schema
        return ([Element]() as Any, ["type": "array", "items": items])
    }
}

extension ContiguousArray: CollectionSchemaProbe where Element: Decodable {
    static func probe(_ inference: SchemaInference, path: [any CodingKey]) throws -> (Any, JSONValue) {
        let items = try inference.infer(Element.self, hint: nil, path: path).schema
        return (ContiguousArray<Element>() as Any, ["type": "array", "items": items])
    }
}

extension Set: CollectionSchemaProbe where Element: Decodable {
    static func probe(_ inference: SchemaInference, path: [any CodingKey]) throws -> (Any, JSONValue) {
        let items = try inference.infer(Element.self, hint: nil, path: path).schema
        return (Set<Element>() as Any, ["type": "array", "items": items, "uniqueItems": true])
    }
}

protocol DictionarySchemaProbe {
    /// Nil when the keys are not written as JSON object keys (the dictionary is then an array of
    /// alternating keys and values, left to its own `init(from:)`).
    static func probe(_ inference: SchemaInference, path: [any CodingKey]) throws -> (Any, JSONValue)?
}

extension Dictionary: DictionarySchemaProbe where Key: Decodable, Value: Decodable {
    static func probe(_ inference: SchemaInference, path: [any CodingKey]) throws -> (Any, JSONValue)? {
        // JSONDecoder reads String, Int and CodingKeyRepresentable keys from object keys.
        guard Key.self == String.self || Key.self == Int.self || Key.self is any CodingKeyRepresentable.Type else { return nil }
        let values = try inference.infer(Value.self, hint: nil, path: path).schema
        return ([Key: Value]() as Any, ["type": "object", "additionalProperties": values])
    }
}
