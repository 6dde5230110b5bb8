extension PropertyHint {
    /// `schema` with this hint's keywords added. Scalar keywords go to the items of an array (of arrays)
    /// and into the non-null branch of a nullable `anyOf`.
    func apply(to schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if let description { object["description"] = .string(description) }
        if Self.isArray(object) {
            if let minItems { object["minItems"] = .int(minItems) }
            if let maxItems { object["maxItems"] = .int(maxItems) }
        }
        return applyScalars(to: .object(object))
    }

    private func applyScalars(to schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if Self.isArray(object), let items = object["items"] {
            object["items"] = applyScalars(to: items)
            return .object(object)
        }
        if object["type"] == nil, case .array(let branches)? = object["anyOf"] {
            object["anyOf"] = .array(branches.map { $0["type"] == "null" ? $0 : applyScalars(to: $0) })
            return .object(object)
        }
        let nullable = object["type"]?.arrayValue?.contains("null") == true
        if let allowedValues {
            object["enum"] = .array(allowedValues.map(JSONValue.string) + (nullable ? [.null] : []))
        }
        if let minimum { object["minimum"] = Self.number(minimum) }
        if let maximum { object["maximum"] = Self.number(maximum) }
        if let minLength { object["minLength"] = .int(minLength) }
        if let maxLength { object["maxLength"] = .int(maxLength) }
        if let pattern { object["pattern"] = .string(pattern) }
        if let format { object["format"] = .string(format) }
        return .object(object)
    }

    private static func isArray(_ schema: [String: JSONValue]) -> Bool {
        switch schema["type"] {
        case .string("array")?: true
        case .array(let types)?: types.contains("array")
        default: false
        }
    }

    /// Whole numbers are written as integers, so `"minimum": 1` is not `1.0` on the wire.
    private static func number(_ value: Double) -> JSONValue {
        if value.rounded() == value, let integer = Int(exactly: value) { return .int(integer) }
        return .double(value)
    }
}
