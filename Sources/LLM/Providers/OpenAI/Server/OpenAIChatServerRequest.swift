/// A Chat Completions request as a server receives it: the server side of the OpenAI format, for an app (or the
/// gateway) that serves any ``LLMProvider`` to OpenAI clients.
///
/// ```swift
/// let incoming = try OpenAIChatServerRequest(decoding: JSONValue(parsing: bodyText))
/// if incoming.stream { /* encode provider.stream(incoming.request) with OpenAIChatStreamEncoder */ }
/// ```
///
/// Fields the library has no place for (`user`, `n`, `logprobs`, `parallel_tool_calls`...) are kept in
/// ``ChatRequest/extraFields`` and so reach an OpenAI-compatible backend unchanged. Leading `system` (or
/// `developer`) messages become ``ChatRequest/system``.
public struct OpenAIChatServerRequest: Sendable, Hashable {
    /// The request, in the library's terms.
    public var request: ChatRequest
    /// The client asked for a stream (`"stream": true`).
    public var stream: Bool
    /// The client asked for a usage chunk at the end of the stream (`stream_options.include_usage`).
    public var includeStreamUsage: Bool

    /// The members this decoder reads; any other is passed on in ``ChatRequest/extraFields``.
    static let knownMembers: Set<String> = [
        "model", "messages", "stream", "stream_options", "tools", "tool_choice", "max_tokens", "max_completion_tokens",
        "temperature", "top_p", "stop", "seed", "reasoning_effort", "response_format",
    ]

    /// Reads a request body.
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing or of the wrong type, as
    ///   `messages[2].tool_calls[0].function.arguments`; the value itself is not quoted.
    public init(decoding body: JSONValue) throws(LLMError) {
        let root = try RequestReader.object(body, at: "the body")
        let model = try RequestReader.string(root["model"], at: "model")
        guard case .array(let rawMessages)? = root["messages"] else {
            throw RequestReader.invalid("messages", "is required and must be an array")
        }
        var messages: [Message] = []
        var system: String?
        for (index, raw) in rawMessages.enumerated() {
            let path = "messages[\(index)]"
            let message = try RequestReader.object(raw, at: path)
            let role = try RequestReader.string(message["role"], at: path + ".role")
            if role == "system" || role == "developer" {
                let text = try Self.text(message["content"], at: path + ".content")
                if messages.isEmpty && system == nil {
                    system = text
                } else {
                    messages.append(Message(role: .system, content: [.text(text)]))
                }
                continue
            }
            messages.append(try Self.message(message, role: role, at: path))
        }

        var request = ChatRequest(model: model, messages: messages, system: system)
        if let tools = root["tools"] {
            guard case .array(let list) = tools else { throw RequestReader.invalid("tools", "must be an array") }
            request.tools = try list.enumerated().map { index, tool throws(LLMError) in try Self.tool(tool, at: "tools[\(index)]") }
        }
        if let choice = root["tool_choice"] { request.toolChoice = try Self.toolChoice(choice) }
        if let maxTokens = root["max_completion_tokens"] ?? root["max_tokens"], maxTokens != .null {
            request.maxTokens = try RequestReader.int(maxTokens, at: "max_tokens")
        }
        if let temperature = root["temperature"], temperature != .null {
            request.temperature = try RequestReader.double(temperature, at: "temperature")
        }
        if let topP = root["top_p"], topP != .null { request.topP = try RequestReader.double(topP, at: "top_p") }
        switch root["stop"] {
        case nil, .null?: break
        case .string(let one)?: request.stopSequences = [one]
        case .array(let list)?:
            request.stopSequences = try list.enumerated().map { index, item throws(LLMError) in
                try RequestReader.string(item, at: "stop[\(index)]")
            }
        default: throw RequestReader.invalid("stop", "must be a string or an array of strings")
        }
        if let seed = root["seed"], seed != .null { request.seed = try RequestReader.int(seed, at: "seed") }
        if let effort = root["reasoning_effort"], effort != .null {
            let name = try RequestReader.string(effort, at: "reasoning_effort")
            guard let level = ReasoningOptions.Effort(rawValue: name) else {
                throw RequestReader.invalid("reasoning_effort", "must be minimal, low, medium or high")
            }
            request.reasoning = ReasoningOptions(effort: level)
        }
        if let format = root["response_format"], format != .null {
            request.responseFormat = try Self.responseFormat(format)
        }
        for (key, value) in root where !Self.knownMembers.contains(key) { request.extraFields[key] = value }

        var stream = false
        if let value = root["stream"], value != .null { stream = try RequestReader.bool(value, at: "stream") }
        let usage = root["stream_options"]?["include_usage"]?.boolValue ?? false
        self.init(request: request, stream: stream, includeStreamUsage: usage)
    }

    public init(request: ChatRequest, stream: Bool, includeStreamUsage: Bool) {
        self.request = request
        self.stream = stream
        self.includeStreamUsage = includeStreamUsage
    }

    // MARK: Members

    private static func message(_ message: [String: JSONValue], role: String, at path: String) throws(LLMError) -> Message {
        let name = message["name"]?.stringValue
        switch role {
        case "user":
            return Message(role: .user, content: try content(message["content"], at: path + ".content"), name: name)
        case "assistant":
            var calls: [ToolCall] = []
            if let rawCalls = message["tool_calls"], rawCalls != .null {
                guard case .array(let list) = rawCalls else { throw RequestReader.invalid(path + ".tool_calls", "must be an array") }
                calls = try list.enumerated().map { index, call throws(LLMError) in
                    try toolCall(call, at: "\(path).tool_calls[\(index)]")
                }
            }
            var text = ""
            if let content = message["content"], content != .null { text = try self.text(content, at: path + ".content") }
            return Message(role: .assistant, content: text.isEmpty ? [] : [.text(text)], toolCalls: calls, name: name)
        case "tool":
            let id = try RequestReader.string(message["tool_call_id"], at: path + ".tool_call_id")
            let content = try text(message["content"], at: path + ".content")
            return Message.tool(ToolResult(toolCallID: id, content: content))
        default:
            throw RequestReader.invalid(path + ".role", "must be system, developer, user, assistant or tool")
        }
    }

    /// A message's content as text: a string, or an array of text parts.
    private static func text(_ value: JSONValue?, at path: String) throws(LLMError) -> String {
        var text = ""
        for part in try content(value, at: path) {
            guard case .text(let piece) = part else { throw RequestReader.invalid(path, "may hold text only") }
            text += piece
        }
        return text
    }

    /// A user message's content: a string, or an array of `text` and `image_url` parts.
    private static func content(_ value: JSONValue?, at path: String) throws(LLMError) -> [ContentPart] {
        switch value {
        case .string(let text)?:
            return [.text(text)]
        case .array(let parts)?:
            return try parts.enumerated().map { index, raw throws(LLMError) in
                let partPath = "\(path)[\(index)]"
                let part = try RequestReader.object(raw, at: partPath)
                switch try RequestReader.string(part["type"], at: partPath + ".type") {
                case "text":
                    return .text(try RequestReader.string(part["text"], at: partPath + ".text"))
                case "image_url":
                    let url = try RequestReader.string(part["image_url"]?["url"], at: partPath + ".image_url.url")
                    return .image(ImageSource(dataURL: url) ?? .url(url))
                default:
                    throw RequestReader.invalid(partPath + ".type", "must be text or image_url")
                }
            }
        case nil, .null?:
            return []
        default:
            throw RequestReader.invalid(path, "must be a string or an array of parts")
        }
    }

    private static func toolCall(_ raw: JSONValue, at path: String) throws(LLMError) -> ToolCall {
        let call = try RequestReader.object(raw, at: path)
        let id = try RequestReader.string(call["id"], at: path + ".id")
        let function = try RequestReader.object(call["function"] ?? .null, at: path + ".function")
        let name = try RequestReader.string(function["name"], at: path + ".function.name")
        let text = try RequestReader.string(function["arguments"], at: path + ".function.arguments")
        let arguments: JSONValue
        do {
            arguments = text.isEmpty ? .object([:]) : try JSONValue(parsing: text)
        } catch {
            throw RequestReader.invalid(path + ".function.arguments", "is not valid JSON")
        }
        return ToolCall(id: id, name: name, arguments: arguments)
    }

    private static func tool(_ raw: JSONValue, at path: String) throws(LLMError) -> Tool {
        let tool = try RequestReader.object(raw, at: path)
        let function = try RequestReader.object(tool["function"] ?? .null, at: path + ".function")
        let name = try RequestReader.string(function["name"], at: path + ".function.name")
        let parameters = function["parameters"].map(JSONSchema.init) ?? JSONSchema(["type": "object", "properties": [:]])
        return Tool(name: name, description: function["description"]?.stringValue ?? "", parameters: parameters)
    }

    private static func toolChoice(_ value: JSONValue) throws(LLMError) -> ToolChoice {
        try RequestReader.toolChoice(value, named: value["function"]?["name"]?.stringValue)
    }

    private static func responseFormat(_ value: JSONValue) throws(LLMError) -> ResponseFormat {
        switch value["type"]?.stringValue {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            let schema = try RequestReader.object(value["json_schema"] ?? .null, at: "response_format.json_schema")
            return try RequestReader.jsonSchemaFormat(schema, at: "response_format.json_schema")
        default:
            throw RequestReader.invalid("response_format.type", "must be text, json_object or json_schema")
        }
    }
}

extension ImageSource {
    /// A `data:<media type>;base64,<data>` URL as inline data; nil for any other URL.
    init?(dataURL url: String) {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ","),
            url[..<comma].hasSuffix(";base64")
        else { return nil }
        let mediaType = url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(";base64".count)
        self = .base64(data: String(url[url.index(after: comma)...]), mediaType: String(mediaType))
    }
}
