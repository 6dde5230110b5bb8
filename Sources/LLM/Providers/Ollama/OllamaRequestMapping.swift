/// Turns a ``ChatRequest`` into an Ollama `/api/chat` body. Pure: no I/O.
///
/// Ollama differs from the OpenAI convention in ways this mapping absorbs: sampling settings live in an
/// `options` object, tool-call arguments are JSON objects (not strings), images are bare base64 strings
/// beside the text, tool results name the tool (`tool_name`), and there is no `tool_choice`.
enum OllamaRequestMapping {
    static func body(
        for request: ChatRequest, options: OllamaOptions, stream: Bool, provider: String
    ) throws(LLMError) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(try messages(for: request, provider: provider)),
            // Ollama streams unless told otherwise, so the flag is always sent.
            "stream": .bool(stream),
        ]
        // There is no tool_choice: `.auto` is the default, and `.none` is honoured by not offering tools.
        // (`.required` and `.tool` are refused earlier: the capabilities lack forcedToolChoice.)
        let toolsOff: Bool = if case .none? = request.toolChoice { true } else { false }
        if !request.tools.isEmpty, !toolsOff {
            body["tools"] = .array(request.tools.map(tool))
        }
        switch request.responseFormat {
        case .text: break
        case .jsonObject: body["format"] = "json"
        // The schema itself is the format; Ollama constrains the sampling to it.
        case .jsonSchema(_, let schema, _): body["format"] = schema.value
        }
        let mapped = self.options(for: request, options: options)
        if !mapped.isEmpty { body["options"] = .object(mapped) }
        if let keepAlive = options.keepAlive { body["keep_alive"] = seconds(keepAlive) }
        if let think = think(for: request.reasoning) { body["think"] = think }
        // Merged key by key, so a request can add `num_ctx` without losing the mapped sampling options.
        ExtraFields.add(request.extraFields, to: &body)
        return .object(body)
    }

    static func options(for request: ChatRequest, options: OllamaOptions) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        if let maxTokens = request.maxTokens { result["num_predict"] = .int(maxTokens) }
        if let temperature = request.temperature { result["temperature"] = .double(temperature) }
        if let topP = request.topP { result["top_p"] = .double(topP) }
        if !request.stopSequences.isEmpty { result["stop"] = .array(request.stopSequences.map(JSONValue.string)) }
        if let seed = request.seed { result["seed"] = .int(seed) }
        if let numCtx = options.numCtx { result["num_ctx"] = .int(numCtx) }
        return result
    }

    /// `think` is a boolean, or one of the levels `"low"`, `"medium"`, `"high"` (gpt-oss and other models
    /// that have levels). An effort asks for a level; a budget alone (Ollama has none) just turns thinking on.
    static func think(for reasoning: ReasoningOptions?) -> JSONValue? {
        guard let reasoning else { return nil }
        switch reasoning.effort {
        case nil: return true
        case .minimal?, .low?: return "low"
        case .medium?: return "medium"
        case .high?: return "high"
        }
    }

    /// Ollama reads a number as seconds; a negative one keeps the model loaded indefinitely.
    static func seconds(_ duration: Duration) -> JSONValue {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || attoseconds < 0 { return -1 }
        if attoseconds == 0 { return .int(Int(seconds)) }
        return .double(Double(seconds) + Double(attoseconds) / 1e18)
    }

    static func messages(for request: ChatRequest, provider: String) throws(LLMError) -> [JSONValue] {
        var result: [JSONValue] = []
        if let system = request.system, !system.isEmpty {
            result.append(["role": "system", "content": .string(system)])
        }
        for message in request.messages {
            result.append(try self.message(message, provider: provider))
        }
        return result
    }

    static func message(_ message: Message, provider: String) throws(LLMError) -> JSONValue {
        var object: [String: JSONValue] = ["role": .string(message.role.rawValue)]
        switch message.role {
        case .tool:
            let result = message.toolResult
            // Ollama has no error flag on tool results; say it in the content.
            let content = result?.content ?? message.text
            object["content"] = .string(result?.isError == true ? "Error: \(content)" : content)
            if let name = result?.name ?? message.name { object["tool_name"] = .string(name) }
            // Servers that know `tool_call_id` (0.12 and later) match the call by it; older ones ignore it.
            if let id = result?.toolCallID, !id.isEmpty { object["tool_call_id"] = .string(id) }
        case .assistant:
            object["content"] = .string(message.text)
            // Sent back so the model's template can show it its earlier reasoning (there is no signature).
            let thinking = message.reasoning.map(\.text).joined()
            if !thinking.isEmpty { object["thinking"] = .string(thinking) }
            if !message.toolCalls.isEmpty { object["tool_calls"] = .array(message.toolCalls.map(toolCall)) }
        case .system, .user:
            object["content"] = .string(message.text)
        }
        let images = try self.images(in: message.content, provider: provider)
        if !images.isEmpty { object["images"] = .array(images) }
        return .object(object)
    }

    /// Ollama takes images only as base64 data without a `data:` prefix; it fetches no URLs.
    static func images(in parts: [ContentPart], provider: String) throws(LLMError) -> [JSONValue] {
        var images: [JSONValue] = []
        for case .image(let source) in parts {
            switch source {
            case .base64(let data, _):
                images.append(.string(data))
            case .url(let url):
                guard let data = base64Payload(ofDataURL: url) else {
                    throw .unsupported(feature: "image URLs (send the image as base64 data)", provider: provider)
                }
                images.append(.string(data))
            }
        }
        return images
    }

    /// The base64 part of a `data:<type>;base64,<data>` URL.
    static func base64Payload(ofDataURL url: String) -> String? {
        guard url.hasPrefix("data:"), let marker = url.range(of: ";base64,") else { return nil }
        return String(url[marker.upperBound...])
    }

    static func toolCall(_ call: ToolCall) -> JSONValue {
        // Arguments go back as the object they are; Ollama rejects a JSON string here.
        ["id": .string(call.id), "function": ["name": .string(call.name), "arguments": call.arguments]]
    }

    static func tool(_ tool: Tool) -> JSONValue {
        [
            "type": "function",
            "function": [
                "name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters.value,
            ],
        ]
    }
}
