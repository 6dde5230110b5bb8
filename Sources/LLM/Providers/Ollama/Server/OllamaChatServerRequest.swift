/// An `/api/chat` request as a server receives it: the server side of Ollama's format, for an app (or the gateway)
/// that serves any ``LLMProvider`` to Ollama clients.
///
/// Ollama streams unless `"stream": false`. Sampling settings come from `options` (`num_predict`, `temperature`,
/// `top_p`, `stop`, `seed`); other options and members (`num_ctx`, `keep_alive`...) are kept in
/// ``ChatRequest/extraFields`` and so reach an Ollama backend unchanged. Leading `system` messages become
/// ``ChatRequest/system``; images are base64 data.
public struct OllamaChatServerRequest: Sendable, Hashable {
    public var request: ChatRequest
    public var stream: Bool

    static let knownMembers: Set<String> = ["model", "messages", "stream", "tools", "format", "options", "think"]
    static let knownOptions: Set<String> = ["num_predict", "temperature", "top_p", "stop", "seed"]

    /// Reads a request body.
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing or of the wrong type.
    public init(decoding body: JSONValue) throws(LLMError) {
        let root = try RequestReader.object(body, at: "the body")
        let model = try RequestReader.string(root["model"], at: "model")
        var messages: [Message] = []
        var system: String?
        if let raw = root["messages"], raw != .null {
            guard case .array(let list) = raw else { throw RequestReader.invalid("messages", "must be an array") }
            for (index, item) in list.enumerated() {
                let path = "messages[\(index)]"
                let message = try RequestReader.object(item, at: path)
                let role = try RequestReader.string(message["role"], at: path + ".role")
                let text = message["content"].map { $0 == .null ? "" : $0.stringValue } ?? ""
                guard let text else { throw RequestReader.invalid(path + ".content", "must be a string") }
                let images = try Self.images(message["images"], at: path + ".images")
                switch role {
                case "system":
                    if messages.isEmpty && system == nil { system = text } else { messages.append(.system(text)) }
                case "user":
                    messages.append(Message(role: .user, content: (text.isEmpty ? [] : [.text(text)]) + images))
                case "assistant":
                    var reply = Message.assistant(text, reasoning: (message["thinking"]?.stringValue).map { [ReasoningBlock(text: $0)] } ?? [])
                    if let calls = message["tool_calls"], calls != .null {
                        guard case .array(let list) = calls else { throw RequestReader.invalid(path + ".tool_calls", "must be an array") }
                        reply.toolCalls = try list.enumerated().map { callIndex, raw throws(LLMError) in
                            let callPath = "\(path).tool_calls[\(callIndex)]"
                            let function = try RequestReader.object(raw["function"], at: callPath + ".function")
                            let name = try RequestReader.string(function["name"], at: callPath + ".function.name")
                            let arguments: JSONValue
                            do {
                                arguments = try OllamaStreamMapper.arguments(function["arguments"], toolName: name)
                            } catch {
                                // The client's mistake, not an upstream's: a 400.
                                throw RequestReader.invalid(callPath + ".function.arguments", "must be a JSON object")
                            }
                            return ToolCall(id: raw["id"]?.stringValue ?? "call_\(callIndex)", name: name, arguments: arguments)
                        }
                    }
                    messages.append(reply)
                case "tool":
                    messages.append(.tool(ToolResult(
                        toolCallID: message["tool_call_id"]?.stringValue ?? "", name: message["tool_name"]?.stringValue, content: text)))
                default:
                    throw RequestReader.invalid(path + ".role", "must be system, user, assistant or tool")
                }
            }
        }
        var request = ChatRequest(model: model, messages: messages, system: system)
        if let tools = root["tools"], tools != .null {
            guard case .array(let list) = tools else { throw RequestReader.invalid("tools", "must be an array") }
            request.tools = try list.enumerated().map { index, raw throws(LLMError) in
                let function = try RequestReader.object(raw["function"], at: "tools[\(index)].function")
                return Tool(
                    name: try RequestReader.string(function["name"], at: "tools[\(index)].function.name"),
                    description: function["description"]?.stringValue ?? "",
                    parameters: JSONSchema(function["parameters"] ?? ["type": "object", "properties": [:]]))
            }
        }
        switch root["format"] {
        case nil, .null?: break
        case .string("json")?: request.responseFormat = .jsonObject
        case .object(let schema)?: request.responseFormat = .jsonSchema(name: "output", schema: JSONSchema(.object(schema)), strict: true)
        default: throw RequestReader.invalid("format", "must be \"json\" or a JSON schema")
        }
        if let options = root["options"], options != .null {
            let options = try RequestReader.object(options, at: "options")
            if let value = options["num_predict"] { request.maxTokens = try RequestReader.int(value, at: "options.num_predict") }
            if let value = options["temperature"] { request.temperature = try RequestReader.double(value, at: "options.temperature") }
            if let value = options["top_p"] { request.topP = try RequestReader.double(value, at: "options.top_p") }
            if let value = options["seed"] { request.seed = try RequestReader.int(value, at: "options.seed") }
            switch options["stop"] {
            case nil: break
            case .string(let one)?: request.stopSequences = [one]
            case .array(let list)?:
                request.stopSequences = try list.enumerated().map { index, item throws(LLMError) in
                    try RequestReader.string(item, at: "options.stop[\(index)]")
                }
            default: throw RequestReader.invalid("options.stop", "must be a string or an array of strings")
            }
            let other = options.filter { !Self.knownOptions.contains($0.key) }
            if !other.isEmpty { request.extraFields["options"] = .object(other) }
        }
        switch root["think"] {
        case nil, .null?, .bool(false)?: break
        case .bool(true)?: request.reasoning = ReasoningOptions()
        case .string(let level)?:
            guard let effort = ReasoningOptions.Effort(rawValue: level) else { throw RequestReader.invalid("think", "must be true, false, low, medium or high") }
            request.reasoning = ReasoningOptions(effort: effort)
        default: throw RequestReader.invalid("think", "must be true, false, low, medium or high")
        }
        for (key, value) in root where !Self.knownMembers.contains(key) { request.extraFields[key] = value }
        var stream = true
        if let value = root["stream"], value != .null { stream = try RequestReader.bool(value, at: "stream") }
        self.init(request: request, stream: stream)
    }

    public init(request: ChatRequest, stream: Bool) {
        self.request = request
        self.stream = stream
    }

    private static func images(_ value: JSONValue?, at path: String) throws(LLMError) -> [ContentPart] {
        guard let value, value != .null else { return [] }
        guard case .array(let list) = value else { throw RequestReader.invalid(path, "must be an array of base64 strings") }
        return try list.enumerated().map { index, item throws(LLMError) in
            .image(.base64(data: try RequestReader.string(item, at: "\(path)[\(index)]"), mediaType: "image/png"))
        }
    }
}
