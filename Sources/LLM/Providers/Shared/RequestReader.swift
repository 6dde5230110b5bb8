/// Reads the members of a client's request body with errors that name where the problem is
/// (`messages[2].role`), for the server sides of the wire formats. The offending value is never quoted: it may be
/// long, or hold what a client should not see echoed.
enum RequestReader {
    static func invalid(_ path: String, _ problem: String) -> LLMError {
        .invalidRequest(ProviderErrorDetails(provider: "request", status: 400, message: "\(path) \(problem)"))
    }

    static func object(_ value: JSONValue?, at path: String) throws(LLMError) -> [String: JSONValue] {
        guard case .object(let object)? = value else { throw invalid(path, "must be an object") }
        return object
    }

    static func string(_ value: JSONValue?, at path: String) throws(LLMError) -> String {
        guard let value else { throw invalid(path, "is required") }
        guard case .string(let string) = value else { throw invalid(path, "must be a string") }
        return string
    }

    static func int(_ value: JSONValue, at path: String) throws(LLMError) -> Int {
        guard let number = value.intValue else { throw invalid(path, "must be an integer") }
        return number
    }

    static func double(_ value: JSONValue, at path: String) throws(LLMError) -> Double {
        guard let number = value.doubleValue else { throw invalid(path, "must be a number") }
        return number
    }

    static func bool(_ value: JSONValue, at path: String) throws(LLMError) -> Bool {
        guard case .bool(let flag) = value else { throw invalid(path, "must be true or false") }
        return flag
    }

    // MARK: Shapes the OpenAI formats (Chat Completions and Responses) share

    /// `auto`, `none`, `required`, or the function `name` names (a format puts a named choice's name in its own place).
    static func toolChoice(_ value: JSONValue, named name: String?) throws(LLMError) -> ToolChoice {
        switch value {
        case "auto": return .auto
        case "none": return .none
        case "required": return .required
        default:
            guard let name else { throw invalid("tool_choice", "must be auto, none, required or a named function") }
            return .tool(name)
        }
    }

    /// A JSON schema output format from the object at `path` holding its `name`, `schema` and `strict`.
    static func jsonSchemaFormat(_ object: [String: JSONValue], at path: String) throws(LLMError) -> ResponseFormat {
        let name = try string(object["name"], at: path + ".name")
        return .jsonSchema(name: name, schema: JSONSchema(object["schema"] ?? .object([:])), strict: object["strict"]?.boolValue ?? false)
    }
}
