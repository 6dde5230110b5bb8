/// Parses the JSON text a model produced as a tool call's arguments.
public enum ToolArguments {
    /// Parses `raw` into a JSON object. Empty text means "no arguments" (`{}`).
    ///
    /// - Throws: ``LLMError/invalidToolArguments(toolName:raw:reason:)`` with the raw text when it is not a
    ///   complete JSON object (truncated output, prose, an array...). Never returns a silent placeholder.
    public static func parse(_ raw: String, toolName: String) throws(LLMError) -> JSONValue {
        let trimmed = raw.trimmingWhitespace()
        if trimmed.isEmpty { return .object([:]) }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: trimmed)
        } catch {
            throw .invalidToolArguments(toolName: toolName, raw: raw, reason: "not valid JSON (truncated or malformed)")
        }
        guard case .object = value else {
            throw .invalidToolArguments(toolName: toolName, raw: raw, reason: "expected a JSON object")
        }
        return value
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
