/// Turns a failure to decode a tool's arguments into a message the model can act on.
enum ToolInputError {
    static func message(for error: any Error, tool: String, schema: JSONSchema) -> String {
        let problem: String
        if let error = error as? DecodingError {
            problem = describe(error)
        } else {
            problem = String(describing: error)
        }
        return "Invalid arguments for tool '\(tool)': \(problem). "
            + "Call the tool again with arguments matching its JSON schema: \(schema.value.jsonString)"
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing required field '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context):
            return "at '\(path(context.codingPath))': \(context.debugDescription)"
        case .valueNotFound(_, let context):
            return "at '\(path(context.codingPath))': a value is required (got null or nothing)"
        case .dataCorrupted(let context):
            return "at '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }

    /// A JSONPath-like spelling (`$.items[0].name`) the model can map to its own arguments.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = "$"
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += "." + key.stringValue
            }
        }
        return text
    }
}
