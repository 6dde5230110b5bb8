/// What `generate` asks for and how it checks the answer: the type's schema, the response format in the
/// provider's dialect, and the validation and decoding of a reply.
struct StructuredTarget<T: Decodable> {
    /// The schema the reply is validated against (as derived, wrapped when needed).
    let schema: JSONSchema
    /// The root schema is not an object (an array, an enum, a string...): providers want an object at the
    /// root, so the value travels as `{"value": ...}`.
    let wrapped: Bool
    let responseFormat: ResponseFormat

    /// The property that carries a wrapped value.
    static var wrapperKey: String { "value" }

    init(style: StructuredOutputStyle, name: String?) throws(StructuredOutputError) {
        var schema = try JSONSchema.derived(from: T.self).value
        wrapped = schema["type"] != "object"
        if wrapped {
            // `$defs` stay at the root, where `#/$defs/...` references point.
            var inner = schema.objectValue ?? [:]
            let definitions = inner.removeValue(forKey: "$defs")
            var wrapper: [String: JSONValue] = [
                "type": "object", "properties": [Self.wrapperKey: .object(inner)], "required": [.string(Self.wrapperKey)],
                "additionalProperties": false,
            ]
            if let definitions { wrapper["$defs"] = definitions }
            schema = .object(wrapper)
        }
        self.schema = JSONSchema(schema)
        responseFormat = style.responseFormat(name: name ?? Self.defaultName, schema: self.schema)
    }

    /// The type's name as OpenAI accepts schema names (`[A-Za-z0-9_-]{1,64}`).
    static var defaultName: String {
        let name = String(describing: T.self).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" }
        let cleaned = String(String(name).prefix(64))
        return cleaned.isEmpty ? "response" : cleaned
    }

    enum Problem: Error {
        case invalidJSON(String)
        case invalid([SchemaValidationError])
        case undecodable(String)
    }

    /// The value of a reply, or why it has none.
    func evaluate(_ reply: String) -> Result<(value: T, json: JSONValue), Problem> {
        let json: JSONValue
        do {
            json = try StructuredDecoding.parse(reply)
        } catch {
            return .failure(.invalidJSON(Self.parseReason(error)))
        }
        let errors = SchemaValidator(schema).validate(json)
        guard errors.isEmpty else { return .failure(.invalid(errors)) }
        let payload = unwrap(json)
        do {
            return .success((try StructuredDecoding.decode(T.self, from: payload), payload))
        } catch {
            return .failure(.undecodable(StructuredDecoding.describe(error)))
        }
    }

    /// The value part of a (possibly partial) reply.
    func unwrap(_ json: JSONValue) -> JSONValue {
        wrapped ? (json[Self.wrapperKey] ?? .null) : json
    }

    private static func parseReason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = context.underlyingError.map { ": \($0.localizedDescription)" } ?? ""
            return context.debugDescription + underlying
        }
        return "\(error)"
    }
}

extension StructuredTarget.Problem {
    /// The user message of a repair round: what was wrong, and to answer again.
    var repairPrompt: String {
        switch self {
        case .invalidJSON(let reason):
            "Your reply is not valid JSON (\(reason)). Reply again with only the JSON value, following the schema."
        case .invalid(let errors):
            "Your reply does not match the required JSON schema:\n"
                + errors.map { "- \($0)" }.joined(separator: "\n")
                + "\nReply again with only the corrected JSON."
        case .undecodable(let reason):
            "Your reply could not be read: \(reason). Reply again with only the corrected JSON."
        }
    }

    /// The error thrown once no repair round is left.
    func error(raw: String) -> StructuredOutputError {
        switch self {
        case .invalidJSON(let reason): .invalidJSON(raw: raw, reason: reason)
        case .invalid(let errors): .validationFailed(raw: raw, errors: errors)
        case .undecodable(let reason): .decodingFailed(raw: raw, reason: reason)
        }
    }
}
