import Foundation

/// Derives a JSON Schema from a `Decodable` type by running its `init(from:)` against a decoder that
/// records what is asked of it instead of reading data (see ``SchemaInferenceDecoder``).
///
/// Types whose decoding reveals nothing useful are answered directly: primitives, `Date`, `URL`,
/// `UUID`, `Data`, `Decimal`, ``JSONValue``, optionals, arrays, sets, dictionaries and string or integer
/// enums that are `CaseIterable`. A type met again while it is being derived becomes a `$ref` (to `#`
/// for the root type, else to `#/$defs/Name`), so recursive types terminate.
final class SchemaInference {
    private let root: ObjectIdentifier
    /// Types being derived, innermost last.
    private var stack: [ObjectIdentifier] = []
    /// Definition names of the types that were reached recursively.
    private var names: [ObjectIdentifier: String] = [:]
    private var definitions: [String: JSONValue] = [:]

    private init(root: ObjectIdentifier) { self.root = root }

    /// The schema of `type`, with `$defs` when a non-root type recurses.
    static func schema<T: Decodable>(for type: T.Type) throws(StructuredOutputError) -> JSONValue {
        let inference = SchemaInference(root: ObjectIdentifier(T.self))
        let schema: JSONValue
        do {
            schema = try inference.infer(T.self, hint: nil, path: []).schema
        } catch let error as StructuredOutputError {
            throw error
        } catch {
            throw .schemaDerivationFailed(type: typeName(T.self), reason: "\(error)")
        }
        guard !inference.definitions.isEmpty, case .object(var object) = schema else { return schema }
        object["$defs"] = .object(inference.definitions)
        return .object(object)
    }

    /// A value of `T` (nil where none can be made without recursing) and its schema. `hint` is the
    /// parent's hint for this position, used to pick a placeholder value the type's own checks accept.
    func infer<T: Decodable>(_ type: T.Type, hint: PropertyHint?, path: [any CodingKey]) throws -> (value: T?, schema: JSONValue) {
        if case let (value, schema)? = try answered(T.self, hint: hint, path: path) { return (value as? T, schema) }
        let hints = (T.self as? any StructuredOutput.Type)?.schemaHints
        if case let (value, schema)? = Self.enumeration(T.self) {
            return (value as? T, Self.describe(schema, hints?.description))
        }

        let id = ObjectIdentifier(T.self)
        if stack.contains(id) { return (nil, ["$ref": .string(reference(to: T.self))]) }
        stack.append(id)
        defer { stack.removeLast() }

        let recording = SchemaRecording()
        let decoder = SchemaInferenceDecoder(inference: self, recording: recording, codingPath: path, hints: hints, ownHint: hint)
        let value: T
        do {
            value = try T(from: decoder)
        } catch let error as StructuredOutputError {
            throw error
        } catch {
            var reason = "its init(from:) threw while the schema was derived: \(StructuredDecoding.describe(error))"
            if T.self is any RawRepresentable.Type {
                reason += " (make the enum CaseIterable so its values can be listed)"
            } else if recording.keysAreOpen {
                // Synthesized decoding of an enum with associated values needs exactly one key present.
                reason += " (an enum with associated values cannot be described; use a struct with optional properties)"
            }
            throw StructuredOutputError.schemaDerivationFailed(type: Self.typeName(T.self), reason: reason)
        }
        var schema = try recording.schema(type: Self.typeName(T.self), hints: hints)
        if let name = names[id], id != root {
            definitions[name] = schema
            schema = ["$ref": .string("#/$defs/\(name)")]
        }
        return (value, schema)
    }

    /// Types answered from their type alone: leaves, optionals and collections.
    private func answered<T>(_ type: T.Type, hint: PropertyHint?, path: [any CodingKey]) throws -> (Any, JSONValue)? {
        if let leaf = Self.leaf(T.self, hint: hint) { return leaf }
        if let probe = T.self as? any OptionalSchemaProbe.Type { return try probe.probe(self, hint: hint, path: path) }
        if let probe = T.self as? any CollectionSchemaProbe.Type { return try probe.probe(self, path: path) }
        if let probe = T.self as? any DictionarySchemaProbe.Type { return try probe.probe(self, path: path) }
        return nil
    }

    /// The error for a position that needs a value of a type still being derived.
    func recursionError<T>(_ type: T.Type, path: [any CodingKey]) -> StructuredOutputError {
        let at = path.isEmpty ? "" : " at \(path.map(\.stringValue).joined(separator: "."))"
        return .schemaDerivationFailed(
            type: Self.typeName(T.self), reason: "it contains itself\(at) without an optional or an array in between")
    }

    private func reference<T>(to type: T.Type) -> String {
        let id = ObjectIdentifier(T.self)
        if id == root { return "#" }
        if let name = names[id] { return "#/$defs/\(name)" }
        let base = Self.typeName(T.self).map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }
        var name = String(base)
        var suffix = 2
        while names.values.contains(name) {
            name = "\(String(base))\(suffix)"
            suffix += 1
        }
        names[id] = name
        return "#/$defs/\(name)"
    }

    static func typeName<T>(_ type: T.Type) -> String { String(describing: T.self) }

    static func describe(_ schema: JSONValue, _ description: String?) -> JSONValue {
        guard let description, case .object(var object) = schema else { return schema }
        object["description"] = .string(description)
        return .object(object)
    }

    /// `schema` that also accepts `null`: `["string", "null"]` where there is one type, else an `anyOf`.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema, !object.isEmpty else { return schema }
        if object["anyOf"]?.arrayValue?.contains(["type": "null"]) == true { return schema }
        switch object["type"] {
        case .string(let type)?:
            object["type"] = [.string(type), "null"]
        case .array(let types)? where !types.contains("null"):
            object["type"] = .array(types + ["null"])
        case .array?:
            return schema
        default:
            return ["anyOf": [schema, ["type": "null"]]]
        }
        if case .array(let values)? = object["enum"], !values.contains(.null) { object["enum"] = .array(values + [.null]) }
        return .object(object)
    }

    // MARK: Types answered without running init(from:)

    /// Schemas and placeholder values of the types JSONDecoder treats specially or whose decoding
    /// would reject a placeholder (`URL` and `UUID` parse their string).
    static func leaf<T>(_ type: T.Type, hint: PropertyHint?) -> (Any, JSONValue)? {
        switch T.self {
        case is String.Type: return (placeholderString(hint), ["type": "string"])
        case is Bool.Type: return (false, ["type": "boolean"])
        case is Double.Type: return (placeholderNumber(hint), ["type": "number"])
        case is Float.Type: return (Float(placeholderNumber(hint)), ["type": "number"])
        case is Int.Type: return integer(Int.self, hint)
        case is Int8.Type: return integer(Int8.self, hint)
        case is Int16.Type: return integer(Int16.self, hint)
        case is Int32.Type: return integer(Int32.self, hint)
        case is Int64.Type: return integer(Int64.self, hint)
        case is UInt.Type: return integer(UInt.self, hint)
        case is UInt8.Type: return integer(UInt8.self, hint)
        case is UInt16.Type: return integer(UInt16.self, hint)
        case is UInt32.Type: return integer(UInt32.self, hint)
        case is UInt64.Type: return integer(UInt64.self, hint)
        case is Decimal.Type: return (Decimal(placeholderNumber(hint)), ["type": "number"])
        case is Date.Type: return (Date(timeIntervalSince1970: 0), ["type": "string", "format": "date-time"])
        case is URL.Type: return (URL(string: "https://example.com")!, ["type": "string", "format": "uri"])
        case is UUID.Type: return (UUID(), ["type": "string", "format": "uuid"])
        case is Data.Type: return (Data(), ["type": "string", "contentEncoding": "base64"])
        // Any JSON at all: the empty schema.
        case is JSONValue.Type: return (JSONValue.null, [:])
        default: return nil
        }
    }

    /// Fixed-width integers; types of 32 bits or fewer get their range as bounds.
    private static func integer<I: FixedWidthInteger>(_ type: I.Type, _ hint: PropertyHint?) -> (Any, JSONValue) {
        var schema: [String: JSONValue] = ["type": "integer"]
        if I.bitWidth <= 32 {
            schema["minimum"] = .int(Int(I.min))
            schema["maximum"] = .int(Int(I.max))
        } else if !I.isSigned {
            schema["minimum"] = 0
        }
        let wanted = placeholderNumber(hint).rounded(.up)
        let value = wanted >= Double(I.max) ? I.max : (wanted <= Double(I.min) ? I.min : I(wanted))
        return (value, .object(schema))
    }

    private static func placeholderNumber(_ hint: PropertyHint?) -> Double {
        let low = hint?.minimum ?? 0
        if let high = hint?.maximum, high < low { return high }
        return low
    }

    private static func placeholderString(_ hint: PropertyHint?) -> String {
        hint?.allowedValues?.first ?? String(repeating: "a", count: hint?.minLength ?? 0)
    }

    /// A `CaseIterable` enum whose cases all have `String` (or all `Int`) raw values: an `enum` schema.
    static func enumeration<T>(_ type: T.Type) -> (Any, JSONValue)? {
        guard let iterable = T.self as? any CaseIterable.Type else { return nil }
        func cases<E: CaseIterable>(_: E.Type) -> [Any] { Array(E.allCases) }
        let all = cases(iterable)
        guard let first = all.first else { return nil }
        var values: [JSONValue] = []
        for value in all {
            switch (value as? any RawRepresentable)?.rawValue {
            case let raw as String: values.append(.string(raw))
            case let raw as Int: values.append(.int(raw))
            default: return nil
            }
        }
        let strings = values.allSatisfy { $0.stringValue != nil }
        let integers = values.allSatisfy { $0.intValue != nil }
        guard strings || integers else { return nil }
        return (first, ["type": strings ? "string" : "integer", "enum": .array(values)])
    }
}
