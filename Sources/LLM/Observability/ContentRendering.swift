/// Prompt and reply as plain text, for content logging only (which is off unless the caller opts in).
enum ContentRendering {
    /// One `role: text` line per message; images and tool calls are named, not dumped.
    static func prompt(_ request: ChatRequest) -> String {
        var lines: [String] = []
        if let system = request.system { lines.append("system: \(system)") }
        for message in request.messages {
            var text = message.toolResult?.content ?? message.text
            if message.content.contains(where: { if case .image = $0 { true } else { false } }) { text += " [image]" }
            for call in message.toolCalls { text += " [tool call \(call.name)]" }
            lines.append("\(message.role.rawValue): \(text)")
        }
        return lines.joined(separator: "\n")
    }

    static func reply(_ response: LLMResponse) -> String {
        response.toolCalls.reduce(response.content) { $0 + " [tool call \($1.name)]" }
    }
}
