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

    /// A count of at least 1 (`dimensions`), or nil when absent or null.
    static func positiveInt(_ value: JSONValue?, at path: String) throws(LLMError) -> Int? {
        guard let value, value != .null else { return nil }
        let count = try int(value, at: path)
        guard count > 0 else { throw invalid(path, "must be at least 1") }
        return count
    }

    /// The texts of an embeddings request's `input` (OpenAI's and Ollama's): a string or an array of strings, none
    /// empty. `elementHint` follows "must be a string" for an element of another type.
    static func texts(_ value: JSONValue?, at path: String, elementHint: String = "") throws(LLMError) -> [String] {
        let texts: [String]
        switch value {
        case .string(let text)?:
            texts = [text]
        case .array(let items)?:
            guard !items.isEmpty else { throw invalid(path, "must not be empty") }
            var read: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else { throw invalid("\(path)[\(index)]", "must be a string" + elementHint) }
                read.append(text)
            }
            texts = read
        case nil, .null?:
            throw invalid(path, "is required")
        default:
            throw invalid(path, "must be a string or an array of strings")
        }
        if let empty = texts.firstIndex(where: \.isEmpty) {
            throw invalid(texts.count == 1 ? path : "\(path)[\(empty)]", "must not be empty")
        }
        return texts
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
