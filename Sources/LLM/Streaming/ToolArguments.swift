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
            // The library's own parser: it reads what JSONDecoder reads, at a fraction of the cost.
            value = try JSONParser.parse(trimmed)
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
        // Most text has nothing to trim: keep it rather than copy it.
        guard first?.isWhitespace == true || last?.isWhitespace == true else { return self }
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
