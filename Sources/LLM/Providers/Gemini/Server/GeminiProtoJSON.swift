/// Gemini's API is protocol buffers mapped to JSON, whose readers accept a field under its lowerCamelCase JSON name
/// or its original snake_case name. Clients use both (google-genai sends `parameters_json_schema` and
/// `thinking_config.include_thoughts` as they are), so the server side reads both.
enum GeminiProtoJSON {
    /// `thinking_budget` as `thinkingBudget`; a name without underscores is returned as it is.
    static func camelCase(_ name: String) -> String {
        guard name.contains("_") else { return name }
        var result = ""
        var upper = false
        for character in name {
            if character == "_" {
                upper = true
            } else {
                result += upper ? character.uppercased() : String(character)
                upper = false
            }
        }
        return result
    }

    /// `thinkingBudget` as `thinking_budget`.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The member `name` (lowerCamelCase), or the same member under its snake_case name.
    subscript(proto name: String) -> JSONValue? {
        self[name] ?? self[GeminiProtoJSON.snakeCase(name)]
    }
}

extension JSONValue {
    /// The member `name` (lowerCamelCase) of an object, or the same member under its snake_case name.
    subscript(proto name: String) -> JSONValue? {
        self[name] ?? self[GeminiProtoJSON.snakeCase(name)]
    }
}
