/// Rewrites a JSON Schema into the OpenAPI 3.0 subset Gemini's `Schema` object accepts, for tool
/// parameters (`functionDeclarations[].parameters`) and structured output (`responseSchema`). Pure.
///
/// Gemini's `Schema` is a protobuf message, so any keyword it does not know is a 400 ("Unknown name ...
/// Cannot find field"). The rewrite:
/// - `type` becomes Gemini's enum spelling (`"string"` -> `"STRING"`); a type array with `"null"` becomes
///   the other type plus `nullable: true`; several non-null types become `anyOf`.
/// - `$ref` is inlined from `$defs` / `definitions` (a recursive reference becomes a plain `OBJECT`).
/// - `oneOf` becomes `anyOf`; a `null` branch of `anyOf` becomes `nullable: true`, and a single remaining
///   branch is inlined. `allOf` is merged into one schema.
/// - `const` becomes a one-value `enum`; enum values become strings (Gemini's enum is `[string]`).
/// - `format` is kept only where Gemini gives it a meaning (`enum`/`date-time`, `float`/`double`, `int32`/`int64`).
/// - Everything else (`additionalProperties`, `$schema`, `$defs`, `default`, `examples`, `title`,
///   `exclusiveMinimum`, `not`, ...) is dropped.
enum GeminiSchema {
    static func normalised(_ schema: JSONValue) -> JSONValue {
        var context = Context(root: schema)
        return context.convert(schema)
    }

    /// Keywords copied unchanged (numbers, strings and booleans Gemini validates as they are).
    private static let copiedKeywords = [
        "description", "nullable", "pattern", "minimum", "maximum",
        "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties",
    ]

    /// The `format` values the Gemini API accepts, per type; others are rejected or meaningless.
    private static let allowedFormats: [String: Set<String>] = [
        "STRING": ["enum", "date-time"], "NUMBER": ["float", "double"], "INTEGER": ["int32", "int64"],
    ]

    private static let typeNames: [String: String] = [
        "string": "STRING", "number": "NUMBER", "integer": "INTEGER", "boolean": "BOOLEAN",
        "array": "ARRAY", "object": "OBJECT", "null": "NULL",
    ]

    private struct Context {
        let root: JSONValue
        /// The references being inlined, to stop at a cycle.
        var expanding: [String] = []

        init(root: JSONValue) { self.root = root }

        mutating func convert(_ value: JSONValue) -> JSONValue {
            // `true` / `{}` (anything goes) has no Gemini spelling; an untyped schema is the closest.
            guard case .object(var schema) = value else { return .object([:]) }
            if let ref = schema["$ref"]?.stringValue {
                schema["$ref"] = nil
                return inline(ref, siblings: schema)
            }
            if let all = schema["allOf"]?.arrayValue {
                schema["allOf"] = nil
                return convert(.object(all.reduce(schema) { merged, part in merge(merged, part) }))
            }
            var result: [String: JSONValue] = [:]
            var nullable = schema["nullable"]?.boolValue == true

            // Union types: `anyOf` / `oneOf`, with `null` branches folded into `nullable`.
            if let branches = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue {
                let nonNull = branches.filter { !GeminiSchema.isNull($0) }
                nullable = nullable || nonNull.count < branches.count
                if nonNull.count == 1 {
                    var merged = schema
                    merged["anyOf"] = nil
                    merged["oneOf"] = nil
                    var inner = convert(nonNull[0]).objectValue ?? [:]
                    // The outer description describes the field; keep it over the branch's.
                    if let description = schema["description"] { inner["description"] = description }
                    if nullable { inner["nullable"] = true }
                    return .object(inner)
                }
                if !nonNull.isEmpty { result["anyOf"] = .array(nonNull.map { convert($0) }) }
            }

            var type: String?
            switch schema["type"] {
            case .string(let name)?:
                type = GeminiSchema.geminiType(name)
            case .array(let names)?:
                let spelled = names.compactMap(\.stringValue)
                let nonNull = spelled.filter { $0 != "null" }
                nullable = nullable || nonNull.count < spelled.count
                if nonNull.count == 1 {
                    type = GeminiSchema.geminiType(nonNull[0])
                } else if nonNull.count > 1 {
                    // Several types: one `anyOf` branch per type, sharing nothing else.
                    result["anyOf"] = .array(nonNull.compactMap(GeminiSchema.geminiType).map { ["type": .string($0)] })
                }
            default:
                break
            }

            // `const` is a one-value enum; Gemini's enum holds strings only.
            var values = schema["enum"]?.arrayValue
            if let constant = schema["const"] { values = [constant] }
            if let values {
                nullable = nullable || values.contains(.null)
                let strings = values.filter { $0 != .null }.map(GeminiSchema.enumString)
                if !strings.isEmpty { result["enum"] = .array(strings.map(JSONValue.string)) }
            }

            // Infer a missing type from the keywords present (Gemini needs a type to read them).
            if type == nil, result["anyOf"] == nil {
                if schema["properties"] != nil {
                    type = "OBJECT"
                } else if schema["items"] != nil {
                    type = "ARRAY"
                } else if result["enum"] != nil {
                    type = "STRING"
                }
            }
            if let type { result["type"] = .string(type) }

            for key in GeminiSchema.copiedKeywords {
                if let value = schema[key] { result[key] = value }
            }
            if nullable { result["nullable"] = true } else { result["nullable"] = nil }
            if let format = schema["format"]?.stringValue, let type,
                GeminiSchema.allowedFormats[type]?.contains(format) == true
            {
                result["format"] = .string(format)
            }

            if let properties = schema["properties"]?.objectValue {
                var converted: [String: JSONValue] = [:]
                for (name, property) in properties { converted[name] = convert(property) }
                result["properties"] = .object(converted)
                // `required` may only name declared properties.
                if let required = schema["required"]?.arrayValue {
                    let names = required.compactMap(\.stringValue).filter { properties[$0] != nil }
                    if !names.isEmpty { result["required"] = .array(names.map(JSONValue.string)) }
                }
                if let ordering = schema["propertyOrdering"]?.arrayValue {
                    result["propertyOrdering"] = .array(ordering.filter { $0.stringValue.map { properties[$0] != nil } ?? false })
                }
            }
            switch schema["items"] {
            case .array(let tuple)?:
                // Tuples (draft 4-7 `items: [...]`) have no Gemini spelling: any of the item schemas.
                if tuple.count == 1 {
                    result["items"] = convert(tuple[0])
                } else if !tuple.isEmpty {
                    result["items"] = ["anyOf": .array(tuple.map { convert($0) })]
                }
            case let items?:
                result["items"] = convert(items)
            case nil:
                break
            }
            return .object(result)
        }

        /// Inlines a local reference (`#/$defs/Name`, `#/definitions/Name`, any `#/...` pointer).
        mutating func inline(_ ref: String, siblings: [String: JSONValue]) -> JSONValue {
            var fallback: [String: JSONValue] = ["type": "OBJECT"]
            if let description = siblings["description"] { fallback["description"] = description }
            guard !expanding.contains(ref), let target = resolve(ref) else {
                // A cycle (or a reference outside this document) cannot be inlined: an open object.
                return .object(fallback)
            }
            expanding.append(ref)
            defer { expanding.removeLast() }
            var merged = target.objectValue ?? [:]
            for (key, value) in siblings { merged[key] = value }
            return convert(.object(merged))
        }

        func resolve(_ ref: String) -> JSONValue? {
            guard ref.hasPrefix("#") else { return nil }
            var node = root
            for token in ref.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
                let key = String(token).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                switch node {
                case .object(let object):
                    guard let next = object[key] else { return nil }
                    node = next
                case .array(let array):
                    guard let index = Int(key), array.indices.contains(index) else { return nil }
                    node = array[index]
                default:
                    return nil
                }
            }
            return node
        }

        /// `allOf` members folded into one schema: properties and required names are united.
        func merge(_ base: [String: JSONValue], _ part: JSONValue) -> [String: JSONValue] {
            var part = part.objectValue ?? [:]
            if let ref = part["$ref"]?.stringValue, !expanding.contains(ref), let target = resolve(ref)?.objectValue {
                part["$ref"] = nil
                part = target.merging(part) { _, sibling in sibling }
            }
            var merged = base
            for (key, value) in part {
                switch (key, merged[key], value) {
                case ("properties", .object(let mine)?, .object(let theirs)):
                    merged[key] = .object(mine.merging(theirs) { first, _ in first })
                case ("required", .array(let mine)?, .array(let theirs)):
                    merged[key] = .array(mine + theirs.filter { !mine.contains($0) })
                case (_, nil, _):
                    merged[key] = value
                default:
                    break
                }
            }
            return merged
        }
    }

    fileprivate static func geminiType(_ name: String) -> String? {
        typeNames[name.lowercased()]
    }

    fileprivate static func isNull(_ schema: JSONValue) -> Bool {
        schema["type"]?.stringValue == "null" || schema["const"] == .null
            || schema["enum"]?.arrayValue == [.null]
    }

    fileprivate static func enumString(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        default: value.jsonString
        }
    }
}
