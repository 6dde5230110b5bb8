/// A Messages request as a server receives it: the server side of the Anthropic format, for an app (or the
/// gateway) that serves any ``LLMProvider`` to Anthropic clients.
///
/// A user turn's blocks become messages in their order: text and images one user message, each `tool_result` a
/// tool message; an assistant turn one assistant message with its thinking (signatures kept), text and tool calls.
/// Members the library has no place for (`metadata`, `top_k`, `service_tier`...) are kept in
/// ``ChatRequest/extraFields`` and so reach an Anthropic backend unchanged.
public struct AnthropicMessagesServerRequest: Sendable, Hashable {
    public var request: ChatRequest
    /// The client asked for a stream (`"stream": true`).
    public var stream: Bool

    static let knownMembers: Set<String> = [
        "model", "max_tokens", "messages", "system", "stream", "tools", "tool_choice", "temperature", "top_p",
        "stop_sequences", "thinking", "output_config",
    ]

    /// Reads a request body.
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing or of the wrong type.
    public init(decoding body: JSONValue) throws(LLMError) {
        let root = try RequestReader.object(body, at: "the body")
        let model = try RequestReader.string(root["model"], at: "model")
        guard case .array(let turns)? = root["messages"] else {
            throw RequestReader.invalid("messages", "is required and must be an array")
        }
        var messages: [Message] = []
        for (index, raw) in turns.enumerated() {
            let path = "messages[\(index)]"
            let turn = try RequestReader.object(raw, at: path)
            switch try RequestReader.string(turn["role"], at: path + ".role") {
            case "user": messages += try Self.userTurn(turn["content"], at: path + ".content")
            case "assistant": messages.append(try Self.assistantTurn(turn["content"], at: path + ".content"))
            default: throw RequestReader.invalid(path + ".role", "must be user or assistant")
            }
        }
        var request = ChatRequest(model: model, messages: messages)
        switch root["system"] {
        case nil, .null?: break
        case .string(let text)?: request.system = text
        case .array(let blocks)?:
            request.system = try blocks.enumerated().map { index, block throws(LLMError) in
                try RequestReader.string(block["text"], at: "system[\(index)].text")
            }.joined(separator: "\n\n")
        default: throw RequestReader.invalid("system", "must be a string or an array of text blocks")
        }
        if let maxTokens = root["max_tokens"], maxTokens != .null { request.maxTokens = try RequestReader.int(maxTokens, at: "max_tokens") }
        if let tools = root["tools"] {
            guard case .array(let list) = tools else { throw RequestReader.invalid("tools", "must be an array") }
            request.tools = try list.enumerated().map { index, raw throws(LLMError) in
                let tool = try RequestReader.object(raw, at: "tools[\(index)]")
                guard let schema = tool["input_schema"] else {
                    throw RequestReader.invalid("tools[\(index)].input_schema", "is required (server tools are not supported)")
                }
                return Tool(
                    name: try RequestReader.string(tool["name"], at: "tools[\(index)].name"),
                    description: tool["description"]?.stringValue ?? "", parameters: JSONSchema(schema))
            }
        }
        if let choice = root["tool_choice"], choice != .null {
            switch choice["type"]?.stringValue {
            case "auto": request.toolChoice = .auto
            case "any": request.toolChoice = .required
            case "none": request.toolChoice = ToolChoice.none
            case "tool": request.toolChoice = .tool(try RequestReader.string(choice["name"], at: "tool_choice.name"))
            default: throw RequestReader.invalid("tool_choice.type", "must be auto, any, none or tool")
            }
        }
        if let temperature = root["temperature"], temperature != .null {
            request.temperature = try RequestReader.double(temperature, at: "temperature")
        }
        if let topP = root["top_p"], topP != .null { request.topP = try RequestReader.double(topP, at: "top_p") }
        if let stops = root["stop_sequences"], stops != .null {
            guard case .array(let list) = stops else { throw RequestReader.invalid("stop_sequences", "must be an array of strings") }
            request.stopSequences = try list.enumerated().map { index, item throws(LLMError) in
                try RequestReader.string(item, at: "stop_sequences[\(index)]")
            }
        }
        if let thinking = root["thinking"], thinking != .null, thinking["type"]?.stringValue == "enabled" {
            request.reasoning = ReasoningOptions(budgetTokens: try RequestReader.int(thinking["budget_tokens"] ?? .null, at: "thinking.budget_tokens"))
        }
        if let schema = root["output_config"]?["format"], schema["type"]?.stringValue == "json_schema" {
            request.responseFormat = .jsonSchema(name: "output", schema: JSONSchema(schema["schema"] ?? .object([:])), strict: true)
        }
        for (key, value) in root where !Self.knownMembers.contains(key) { request.extraFields[key] = value }
        var stream = false
        if let value = root["stream"], value != .null { stream = try RequestReader.bool(value, at: "stream") }
        self.init(request: request, stream: stream)
    }

    public init(request: ChatRequest, stream: Bool) {
        self.request = request
        self.stream = stream
    }

    /// A user turn: runs of text and image blocks as user messages, each tool result as a tool message, in order.
    private static func userTurn(_ content: JSONValue?, at path: String) throws(LLMError) -> [Message] {
        if case .string(let text)? = content { return [.user(text)] }
        var messages: [Message] = []
        var parts: [ContentPart] = []
        for (index, raw) in try blocks(content, at: path).enumerated() {
            let blockPath = "\(path)[\(index)]"
            let block = try RequestReader.object(raw, at: blockPath)
            switch try RequestReader.string(block["type"], at: blockPath + ".type") {
            case "text":
                parts.append(.text(try RequestReader.string(block["text"], at: blockPath + ".text")))
            case "image":
                parts.append(.image(try image(block["source"], at: blockPath + ".source")))
            case "tool_result":
                if !parts.isEmpty { messages.append(.user(parts)) }
                parts = []
                let id = try RequestReader.string(block["tool_use_id"], at: blockPath + ".tool_use_id")
                let text: String
                switch block["content"] {
                case nil, .null?: text = ""
                case .string(let string)?: text = string
                case .array(let inner)?:
                    text = try inner.enumerated().map { innerIndex, item throws(LLMError) in
                        try RequestReader.string(item["text"], at: "\(blockPath).content[\(innerIndex)].text")
                    }.joined()
                default: throw RequestReader.invalid(blockPath + ".content", "must be a string or an array of text blocks")
                }
                messages.append(.tool(ToolResult(toolCallID: id, content: text, isError: block["is_error"]?.boolValue ?? false)))
            default:
                throw RequestReader.invalid(blockPath + ".type", "must be text, image or tool_result in a user turn")
            }
        }
        if !parts.isEmpty { messages.append(.user(parts)) }
        return messages
    }

    private static func assistantTurn(_ content: JSONValue?, at path: String) throws(LLMError) -> Message {
        if case .string(let text)? = content { return .assistant(text) }
        var message = Message(role: .assistant)
        for (index, raw) in try blocks(content, at: path).enumerated() {
            let blockPath = "\(path)[\(index)]"
            let block = try RequestReader.object(raw, at: blockPath)
            switch try RequestReader.string(block["type"], at: blockPath + ".type") {
            case "text":
                message.content.append(.text(try RequestReader.string(block["text"], at: blockPath + ".text")))
            case "thinking":
                message.reasoning.append(ReasoningBlock(
                    text: try RequestReader.string(block["thinking"], at: blockPath + ".thinking"),
                    signature: block["signature"]?.stringValue))
            case "redacted_thinking":
                message.reasoning.append(ReasoningBlock(redactedData: try RequestReader.string(block["data"], at: blockPath + ".data")))
            case "tool_use":
                message.toolCalls.append(ToolCall(
                    id: try RequestReader.string(block["id"], at: blockPath + ".id"),
                    name: try RequestReader.string(block["name"], at: blockPath + ".name"),
                    arguments: block["input"] ?? .object([:])))
            default:
                throw RequestReader.invalid(blockPath + ".type", "must be text, thinking, redacted_thinking or tool_use in an assistant turn")
            }
        }
        return message
    }

    private static func blocks(_ content: JSONValue?, at path: String) throws(LLMError) -> [JSONValue] {
        guard case .array(let blocks)? = content else { throw RequestReader.invalid(path, "must be a string or an array of blocks") }
        return blocks
    }

    private static func image(_ source: JSONValue?, at path: String) throws(LLMError) -> ImageSource {
        let source = try RequestReader.object(source, at: path)
        switch try RequestReader.string(source["type"], at: path + ".type") {
        case "base64":
            return .base64(
                data: try RequestReader.string(source["data"], at: path + ".data"),
                mediaType: try RequestReader.string(source["media_type"], at: path + ".media_type"))
        case "url":
            return .url(try RequestReader.string(source["url"], at: path + ".url"))
        default:
            throw RequestReader.invalid(path + ".type", "must be base64 or url")
        }
    }
}
