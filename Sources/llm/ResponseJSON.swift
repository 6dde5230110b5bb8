import LLM

/// The `--output json` rendering of a reply: one JSON object with stable field names.
enum ResponseJSON {
    static func value(for response: LLMResponse) -> JSONValue {
        var object: [String: JSONValue] = [
            "content": .string(response.content),
            "toolCalls": .array(
                response.toolCalls.map { call in
                    ["id": .string(call.id), "name": .string(call.name), "arguments": call.arguments]
                }),
            "usage": [
                "inputTokens": .int(response.usage.inputTokens),
                "outputTokens": .int(response.usage.outputTokens),
                "cacheReadTokens": .int(response.usage.cacheReadTokens),
                "cacheWriteTokens": .int(response.usage.cacheWriteTokens),
                "reasoningTokens": .int(response.usage.reasoningTokens),
            ],
            "stopReason": .string(response.stopReason.name),
            "model": .string(response.model),
        ]
        let reasoning = response.reasoning.map(\.text).filter { !$0.isEmpty }.joined(separator: "\n")
        if !reasoning.isEmpty { object["reasoning"] = .string(reasoning) }
        return .object(object)
    }

    /// Compact, sorted keys: one line per reply, easy for `jq` and line-oriented tools.
    static func text(for response: LLMResponse) -> String {
        value(for: response).jsonString
    }
}
