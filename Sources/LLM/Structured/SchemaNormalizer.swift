/// Reshapes a JSON Schema (as ``JSONSchema/derived(from:)`` makes it) into the dialect a provider's
/// structured output accepts. Pure functions of the schema.
///
/// Keywords a provider rejects are not lost: they are written into the description (`"(maxLength: 40)"`)
/// so the model still reads them, and the reply is validated against the original schema anyway.
public enum SchemaNormalizer {
    /// `schema` in the dialect of `style`.
    public static func normalize(_ schema: JSONSchema, for style: StructuredOutputStyle) -> JSONSchema {
        switch style {
        case .openAIStrict: openAIStrict(schema)
        case .anthropic: anthropic(schema)
        case .gemini: gemini(schema)
        case .openAICompatible, .ollama: schema
        }
    }

    // MARK: OpenAI strict mode

    /// Keywords OpenAI strict mode accepts besides the structural ones (`type`, `properties`, ...).
    private static let openAIFormats: Set<String> = [
        "date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid",
    ]
    private static let openAIUnsupported = [
        "minLength", "maxLength", "uniqueItems", "minProperties", "maxProperties", "contentEncoding",
        "contentMediaType", "default", "examples",
    ]

    /// OpenAI strict mode: `additionalProperties: false` on every object, every property in `required`
    /// (those that were optional become nullable: `["string", "null"]`), `oneOf` as `anyOf`, and
    /// string-length bounds and unknown formats moved into the description.
    public static func openAIStrict(_ schema: JSONSchema) -> JSONSchema {
        JSONSchema(SchemaWalk.map(schema.value) { node in
            var node = node
            if node["nullable"] == true {
                node["nullable"] = nil
                node = SchemaInference.nullable(.object(node)).objectValue ?? node
            } else {
                node["nullable"] = nil
            }
            if let oneOf = node.removeValue(forKey: "oneOf") { node["anyOf"] = oneOf }
            if case .object(var properties)? = node["properties"] {
                let required = Set(node["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                for (key, property) in properties where !required.contains(key) {
                    properties[key] = SchemaInference.nullable(property)
                }
                node["properties"] = .object(properties)
                node["required"] = .array(properties.keys.sorted().map(JSONValue.string))
            }
            // Objects with named properties are closed; open ones (no properties, or a schema for extra
            // keys) stay open, and strict mode is then turned off (see isOpenAIStrictCompatible).
            let properties = node["properties"]?.objectValue ?? [:]
            if isObject(node), !properties.isEmpty, node["additionalProperties"]?.objectValue == nil {
                node["additionalProperties"] = false
            }
            var moved = openAIUnsupported
            if let format = node["format"]?.stringValue, !openAIFormats.contains(format) { moved.append("format") }
            return describing(node, moving: moved)
        })
    }

    /// Whether OpenAI strict mode can express `schema`: it cannot express open objects (dictionaries)
    /// or values of any type.
    public static func isOpenAIStrictCompatible(_ schema: JSONSchema) -> Bool {
        !SchemaWalk.contains(schema.value) { node in
            if isObject(node), node["additionalProperties"] != false { return true }
            let structural = ["type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const", "properties", "items"]
            return !structural.contains { node[$0] != nil }
        }
    }

    // MARK: Anthropic

    private static let anthropicFormats: Set<String> = [
        "date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid",
    ]
    private static let anthropicUnsupported = [
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "maxItems", "uniqueItems", "minProperties", "maxProperties", "contentEncoding", "contentMediaType",
    ]

    /// Anthropic structured output: `additionalProperties: false` on every object, nullable values as
    /// `anyOf` with a `null` branch (it takes no type lists), `oneOf` as `anyOf`, and the bounds it
    /// rejects (numeric, string length, `maxItems`, `minItems` above 1) moved into the description.
    /// Optional properties stay optional.
    public static func anthropic(_ schema: JSONSchema) -> JSONSchema {
        JSONSchema(SchemaWalk.map(schema.value) { node in
            var node = node
            if let oneOf = node.removeValue(forKey: "oneOf") { node["anyOf"] = oneOf }
            if isObject(node), node["additionalProperties"]?.objectValue == nil { node["additionalProperties"] = false }
            var moved = anthropicUnsupported
            if let format = node["format"]?.stringValue, !anthropicFormats.contains(format) { moved.append("format") }
            if let minItems = node["minItems"]?.intValue, minItems > 1 { moved.append("minItems") }
            node = describing(node, moving: moved)
            return nullableAsAnyOf(node)
        })
    }

    /// `["string", "null"]` (or `nullable: true`) as `anyOf: [{"type": "string", ...}, {"type": "null"}]`;
    /// the description stays outside, on the value itself.
    private static func nullableAsAnyOf(_ node: [String: JSONValue]) -> [String: JSONValue] {
        var node = node
        let flagged = node.removeValue(forKey: "nullable") == true
        var types: [JSONValue]
        switch node["type"] {
        case .array(let list)?: types = list
        case .string(let type)? where flagged: types = [.string(type), "null"]
        default: return node
        }
        guard types.contains("null") else { return node }
        types.removeAll { $0 == "null" }
        let description = node.removeValue(forKey: "description")
        if case .array(let values)? = node["enum"] { node["enum"] = .array(values.filter { $0 != .null }) }
        var branches: [JSONValue]
        if types.count == 1 {
            node["type"] = types[0]
            branches = [.object(node)]
        } else {
            branches = types.map { ["type": $0] }
        }
        branches.append(["type": "null"])
        var result: [String: JSONValue] = ["anyOf": .array(branches)]
        if let description { result["description"] = description }
        return result
    }

    // MARK: Gemini

    /// Gemini's `responseSchema` subset, made by the Gemini provider's own normaliser (upper-case types,
    /// `nullable` flags, `$ref`s inlined, unknown keywords dropped). The provider applies it again when it
    /// builds the request, which changes nothing.
    public static func gemini(_ schema: JSONSchema) -> JSONSchema {
        JSONSchema(GeminiSchema.normalised(schema.value))
    }

    // MARK: Helpers

    static func isObject(_ node: [String: JSONValue]) -> Bool {
        switch node["type"] {
        case .string("object")?: true
        case .array(let types)?: types.contains("object")
        default: node["properties"] != nil
        }
    }

    /// `node` without `keys`, each named with its value at the end of the description instead.
    private static func describing(_ node: [String: JSONValue], moving keys: [String]) -> [String: JSONValue] {
        var node = node
        var notes: [String] = []
        for key in keys {
            guard let value = node.removeValue(forKey: key) else { continue }
            notes.append("\(key): \(value.stringValue ?? value.jsonString)")
        }
        guard !notes.isEmpty else { return node }
        let note = "(" + notes.joined(separator: ", ") + ")"
        let existing = node["description"]?.stringValue ?? ""
        node["description"] = .string(existing.isEmpty ? note : existing + " " + note)
        return node
    }
}
