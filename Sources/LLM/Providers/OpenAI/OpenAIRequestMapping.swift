/// Turns a ``ChatRequest`` into an OpenAI Chat Completions request body. Pure: no I/O.
enum OpenAIRequestMapping {
    static func body(for request: ChatRequest, stream: Bool, includeStreamUsage: Bool) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(messages(for: request)),
        ]
        if stream {
            body["stream"] = true
            if includeStreamUsage { body["stream_options"] = ["include_usage": true] }
        }
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map(tool))
        }
        if let choice = request.toolChoice { body["tool_choice"] = toolChoice(choice) }
        if let maxTokens = request.maxTokens { body["max_tokens"] = .int(maxTokens) }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if let topP = request.topP { body["top_p"] = .double(topP) }
        if !request.stopSequences.isEmpty { body["stop"] = .array(request.stopSequences.map(JSONValue.string)) }
        if let seed = request.seed { body["seed"] = .int(seed) }
        if let reasoning = request.reasoning {
            // A budget (an Anthropic or Gemini client's way of asking) as the nearest effort.
            let effort = reasoning.effort ?? reasoning.budgetTokens.map(OpenAIResponsesRequestMapping.effort(forBudget:)) ?? .medium
            body["reasoning_effort"] = .string(effort.rawValue)
        }
        switch request.responseFormat {
        case .text:
            break
        case .jsonObject:
            body["response_format"] = ["type": "json_object"]
        case .jsonSchema(let name, let schema, let strict):
            body["response_format"] = [
                "type": "json_schema",
                "json_schema": ["name": .string(name), "schema": schema.value, "strict": .bool(strict)],
            ]
        }
        ExtraFields.add(request.extraFields, to: &body)
        return .object(body)
    }

    static func messages(for request: ChatRequest) -> [JSONValue] {
        var result: [JSONValue] = []
        if let system = request.system, !system.isEmpty {
            result.append(["role": "system", "content": .string(system)])
        }
        for message in request.messages {
            result.append(self.message(message))
        }
        return result
    }

    static func message(_ message: Message) -> JSONValue {
        var object: [String: JSONValue] = ["role": .string(message.role.rawValue)]
        if let name = message.name, message.role != .tool { object["name"] = .string(name) }
        switch message.role {
        case .tool:
            let result = message.toolResult
            object["tool_call_id"] = .string(result?.toolCallID ?? "")
            // Chat Completions has no error flag on tool results; say it in the content.
            let content = result?.content ?? message.text
            object["content"] = .string(result?.isError == true ? "Error: \(content)" : content)
        case .assistant:
            let text = message.text
            object["content"] = text.isEmpty && !message.toolCalls.isEmpty ? .null : .string(text)
            if !message.toolCalls.isEmpty {
                object["tool_calls"] = .array(message.toolCalls.map(toolCall))
            }
        case .system, .user:
            object["content"] = content(message.content)
        }
        return .object(object)
    }

    /// Plain text stays a string (every server accepts it); images need the array form.
    static func content(_ parts: [ContentPart]) -> JSONValue {
        let hasImage = parts.contains { if case .image = $0 { true } else { false } }
        if !hasImage {
            var text = ""
            for case .text(let piece) in parts { text += piece }
            return .string(text)
        }
        return .array(
            parts.map { part in
                switch part {
                case .text(let text):
                    return ["type": "text", "text": .string(text)]
                case .image(.url(let url)):
                    return ["type": "image_url", "image_url": ["url": .string(url)]]
                case .image(.base64(let data, let mediaType)):
                    return ["type": "image_url", "image_url": ["url": .string("data:\(mediaType);base64,\(data)")]]
                }
            })
    }

    static func toolCall(_ call: ToolCall) -> JSONValue {
        [
            "id": .string(call.id), "type": "function",
            "function": ["name": .string(call.name), "arguments": .string(call.arguments.jsonString)],
        ]
    }

    static func tool(_ tool: Tool) -> JSONValue {
        [
            "type": "function",
            "function": [
                "name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters.value,
            ],
        ]
    }

    static func toolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }
}
