import Foundation

/// Checks a JSON value against a JSON Schema and says, readably, where and how it breaks it.
///
/// It understands the keywords structured output uses: `type` (names, lists, and the OpenAPI `nullable`
/// flag), `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`, `minimum`,
/// `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minLength`, `maxLength`, `pattern`, `format`
/// (`date-time` only), `minItems`, `maxItems`, `uniqueItems`, `anyOf`, `oneOf`, `allOf` and local
/// `$ref`s. Other keywords are ignored.
///
/// ```swift
/// let errors = SchemaValidator(schema).validate(try JSONValue(parsing: reply))
/// // ["$.address.city: expected string, got integer"]
/// ```
public struct SchemaValidator: Sendable {
    public let schema: JSONSchema

    public init(_ schema: JSONSchema) { self.schema = schema }

    /// Every problem found, in document order; empty when `value` is valid.
    public func validate(_ value: JSONValue) -> [SchemaValidationError] {
        var run = ValidationRun(root: schema.value)
        run.check(value, against: schema.value, at: "$", references: 0)
        return run.errors
    }

    /// `$.name`, or `$["first name"]` for keys that are not identifiers.
    static func path(_ base: String, _ key: String) -> String {
        let identifier = key.first.map { $0.isLetter || $0 == "_" } == true && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return identifier ? "\(base).\(key)" : "\(base)[\(JSONValue.string(key).jsonString)]"
    }
}

/// One validation: the root schema (for references) and the errors found so far.
private struct ValidationRun {
    let root: JSONValue
    var errors: [SchemaValidationError] = []

    init(root: JSONValue) { self.root = root }

    /// References followed without descending into the value; more means a reference cycle.
    private static let maximumReferences = 32

    private mutating func fail(_ path: String, _ message: String) {
        errors.append(SchemaValidationError(path: path, message: message))
    }

    mutating func check(_ value: JSONValue, against schema: JSONValue, at path: String, references: Int) {
        switch schema {
        case .bool(false): fail(path, "no value is allowed here")
        case .object(let schema): check(value, against: schema, at: path, references: references)
        default: return
        }
    }

    private mutating func check(_ value: JSONValue, against schema: [String: JSONValue], at path: String, references: Int) {
        if let ref = schema["$ref"]?.stringValue {
            guard references < Self.maximumReferences, let target = resolve(ref) else {
                return fail(path, "the schema's reference \(ref) cannot be resolved")
            }
            check(value, against: target, at: path, references: references + 1)
        }
        if let types = Self.types(of: schema), !types.contains(where: { Self.value(value, hasType: $0) }) {
            // Other keywords are about a type the value does not have: one error says it all.
            return fail(path, "expected \(types.joined(separator: " or ")), got \(Self.typeName(of: value))")
        }
        if let values = schema["enum"]?.arrayValue, !values.contains(where: { Self.equal($0, value) }) {
            fail(path, "must be one of \(values.map(\.jsonString).joined(separator: ", ")); got \(value.jsonString)")
        }
        if let constant = schema["const"], !Self.equal(constant, value) {
            fail(path, "must be \(constant.jsonString); got \(value.jsonString)")
        }
        for key in ["anyOf", "oneOf"] {
            if let branches = schema[key]?.arrayValue { checkAny(value, branches, at: path, references: references) }
        }
        for branch in schema["allOf"]?.arrayValue ?? [] {
            check(value, against: branch, at: path, references: references)
        }
        switch value {
        case .string(let text): checkString(text, schema, at: path)
        case .int, .double: checkNumber(value.doubleValue ?? 0, schema, at: path)
        case .array(let items): checkArray(items, schema, at: path)
        case .object(let object): checkObject(object, schema, at: path)
        case .null, .bool: break
        }
    }

    /// Passes when one branch passes; otherwise reports the branch that came closest: one of the right
    /// type with the fewest errors, or a combined "expected X or Y" when no branch has the right type.
    private mutating func checkAny(_ value: JSONValue, _ branches: [JSONValue], at path: String, references: Int) {
        var attempts: [[SchemaValidationError]] = []
        for branch in branches {
            var run = ValidationRun(root: root)
            run.check(value, against: branch, at: path, references: references)
            if run.errors.isEmpty { return }
            attempts.append(run.errors)
        }
        let isTypeMismatch: ([SchemaValidationError]) -> Bool = { $0.count == 1 && $0[0].path == path && $0[0].message.hasPrefix("expected ") }
        if let closest = attempts.filter({ !isTypeMismatch($0) }).min(by: { $0.count < $1.count }) {
            errors += closest
        } else {
            var expected: [String] = []
            for attempt in attempts {
                // "expected string, got integer" -> "string"
                guard let names = attempt.first?.message.dropFirst("expected ".count).split(separator: ",").first else { continue }
                if !expected.contains(String(names)) { expected.append(String(names)) }
            }
            fail(path, "expected \(expected.joined(separator: " or ")), got \(Self.typeName(of: value))")
        }
    }

    private mutating func checkString(_ text: String, _ schema: [String: JSONValue], at path: String) {
        // JSON Schema counts characters as code points.
        let length = text.unicodeScalars.count
        if let minimum = schema["minLength"]?.intValue, length < minimum {
            fail(path, "must be at least \(minimum) character\(minimum == 1 ? "" : "s"), got \(length)")
        }
        if let maximum = schema["maxLength"]?.intValue, length > maximum {
            fail(path, "must be at most \(maximum) character\(maximum == 1 ? "" : "s"), got \(length)")
        }
        if let pattern = schema["pattern"]?.stringValue, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
            fail(path, "must match the pattern \(pattern)")
        }
        if schema["format"]?.stringValue == "date-time", StructuredDecoding.date(from: text) == nil {
            fail(path, "must be an ISO 8601 date-time such as 2024-05-01T09:30:00Z")
        }
    }

    private mutating func checkNumber(_ number: Double, _ schema: [String: JSONValue], at path: String) {
        let shown = Self.show(number)
        if let minimum = schema["minimum"]?.doubleValue, number < minimum { fail(path, "must be >= \(Self.show(minimum)), got \(shown)") }
        if let maximum = schema["maximum"]?.doubleValue, number > maximum { fail(path, "must be <= \(Self.show(maximum)), got \(shown)") }
        if let minimum = schema["exclusiveMinimum"]?.doubleValue, number <= minimum { fail(path, "must be > \(Self.show(minimum)), got \(shown)") }
        if let maximum = schema["exclusiveMaximum"]?.doubleValue, number >= maximum { fail(path, "must be < \(Self.show(maximum)), got \(shown)") }
    }

    private mutating func checkArray(_ items: [JSONValue], _ schema: [String: JSONValue], at path: String) {
        if let minimum = schema["minItems"]?.intValue, items.count < minimum {
            fail(path, "must have at least \(minimum) item\(minimum == 1 ? "" : "s"), got \(items.count)")
        }
        if let maximum = schema["maxItems"]?.intValue, items.count > maximum {
            fail(path, "must have at most \(maximum) item\(maximum == 1 ? "" : "s"), got \(items.count)")
        }
        if schema["uniqueItems"] == true, Set(items).count < items.count { fail(path, "must not repeat items") }
        if let itemSchema = schema["items"], itemSchema.objectValue != nil || itemSchema.boolValue != nil {
            for (index, item) in items.enumerated() {
                check(item, against: itemSchema, at: "\(path)[\(index)]", references: 0)
            }
        }
    }

    private mutating func checkObject(_ object: [String: JSONValue], _ schema: [String: JSONValue], at path: String) {
        let properties = schema["properties"]?.objectValue ?? [:]
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
            fail(SchemaValidator.path(path, name), "required property is missing")
        }
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            if let property = properties[name] {
                check(value, against: property, at: SchemaValidator.path(path, name), references: 0)
            } else if schema["additionalProperties"] == false {
                fail(SchemaValidator.path(path, name), "unexpected property")
            } else if let extra = schema["additionalProperties"], extra.objectValue != nil {
                check(value, against: extra, at: SchemaValidator.path(path, name), references: 0)
            }
        }
    }

    // MARK: Helpers

    /// A local reference: `#` or a JSON pointer such as `#/$defs/Node`.
    private func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#") else { return nil }
        var node = root
        for token in ref.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case .object(let object): guard let next = object[key] else { return nil }; node = next
            case .array(let array): guard let index = Int(key), array.indices.contains(index) else { return nil }; node = array[index]
            default: return nil
            }
        }
        return node
    }

    /// The allowed type names, or nil when the schema does not restrict the type.
    private static func types(of schema: [String: JSONValue]) -> [String]? {
        var types: [String]
        switch schema["type"] {
        case .string(let name)?: types = [name]
        case .array(let names)?: types = names.compactMap(\.stringValue)
        default: return nil
        }
        if schema["nullable"] == true, !types.contains("null") { types.append("null") }
        return types
    }

    private static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("number", .int), ("number", .double): true
        case ("integer", .int): true
        case ("integer", .double(let number)): number.rounded() == number
        default: false
        }
    }

    private static func typeName(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// JSON equality, where `1` and `1.0` are the same number.
    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }

    private static func show(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }

}
