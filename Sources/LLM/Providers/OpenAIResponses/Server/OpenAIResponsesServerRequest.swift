/// A Responses API request (`POST /v1/responses`) as a server receives it: the server side of the OpenAI Responses
/// format, for an app (or the gateway) that serves any ``LLMProvider`` to Responses clients.
///
/// ```swift
/// let incoming = try OpenAIResponsesServerRequest(decoding: JSONValue(parsing: bodyText))
/// if incoming.stream { /* encode provider.stream(incoming.request) with OpenAIResponsesStreamEncoder */ }
/// ```
///
/// `input` is a string (one user message) or a list of items. Consecutive assistant items (`reasoning`, an
/// assistant `message`, `function_call`s) make one assistant message, as the client side writes them; a
/// `function_call_output` is a tool message; `instructions` is ``ChatRequest/system``. A reasoning item's
/// `encrypted_content` is its block's signature, so signed reasoning from any provider survives the next turn.
/// Nothing is stored: `previous_response_id` and `item_reference` are refused. Unknown members (`user`,
/// `metadata`, `parallel_tool_calls`...) are kept in ``ChatRequest/extraFields``.
public struct OpenAIResponsesServerRequest: Sendable, Hashable {
    /// The request, in the library's terms.
    public var request: ChatRequest
    /// The client asked for a stream (`"stream": true`).
    public var stream: Bool

    /// The members this decoder reads; `store` and `include` are answered by what the server does (it stores
    /// nothing and always returns reasoning's encrypted content), any other is passed on in ``ChatRequest/extraFields``.
    static let knownMembers: Set<String> = [
        "model", "input", "instructions", "stream", "tools", "tool_choice", "max_output_tokens", "temperature", "top_p",
        "text", "reasoning", "store", "include", "stream_options",
    ]

    /// Reads a request body.
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing or of the wrong type, as
    ///   `input[2].content[0].type`; the value itself is not quoted.
    public init(decoding body: JSONValue) throws(LLMError) {
        let root = try RequestReader.object(body, at: "the body")
        let model = try RequestReader.string(root["model"], at: "model")
        if let previous = root["previous_response_id"], previous != .null {
            throw RequestReader.invalid("previous_response_id", "is not supported: this server stores no responses; send the whole conversation in input")
        }
        var request = ChatRequest(model: model, messages: try Self.messages(root["input"]))
        if let instructions = root["instructions"], instructions != .null {
            request.system = try RequestReader.string(instructions, at: "instructions")
        }
        if let tools = root["tools"], tools != .null {
            guard case .array(let list) = tools else { throw RequestReader.invalid("tools", "must be an array") }
            request.tools = try list.enumerated().map { index, tool throws(LLMError) in try Self.tool(tool, at: "tools[\(index)]") }
        }
        if let choice = root["tool_choice"], choice != .null { request.toolChoice = try Self.toolChoice(choice) }
        if let maxTokens = root["max_output_tokens"], maxTokens != .null {
            request.maxTokens = try RequestReader.int(maxTokens, at: "max_output_tokens")
        }
        if let temperature = root["temperature"], temperature != .null {
            request.temperature = try RequestReader.double(temperature, at: "temperature")
        }
        if let topP = root["top_p"], topP != .null { request.topP = try RequestReader.double(topP, at: "top_p") }
        if let format = root["text"]?["format"], format != .null { request.responseFormat = try Self.responseFormat(format) }
        if let reasoning = root["reasoning"], reasoning != .null { request.reasoning = try Self.reasoning(reasoning) }
        for (key, value) in root where !Self.knownMembers.contains(key) { request.extraFields[key] = value }

        var stream = false
        if let value = root["stream"], value != .null { stream = try RequestReader.bool(value, at: "stream") }
        self.init(request: request, stream: stream)
    }

    public init(request: ChatRequest, stream: Bool) {
        self.request = request
        self.stream = stream
    }

    // MARK: Input items

    private static func messages(_ input: JSONValue?) throws(LLMError) -> [Message] {
        switch input {
        case .string(let text)?:
            return [.user(text)]
        case .array(let items)?:
            var messages: [Message] = []
            // The assistant turn being gathered from consecutive items.
            var assistant: Message?
            func closeAssistant() {
                if let turn = assistant { messages.append(turn) }
                assistant = nil
            }
            for (index, raw) in items.enumerated() {
                let path = "input[\(index)]"
                let item = try RequestReader.object(raw, at: path)
                // A message may leave out its type (the "easy input message").
                let type = try item["type"].map { value throws(LLMError) in try RequestReader.string(value, at: path + ".type") } ?? "message"
                switch type {
                case "message":
                    let role = try RequestReader.string(item["role"], at: path + ".role")
                    switch role {
                    case "assistant":
                        var turn = assistant ?? Message(role: .assistant, content: [])
                        // Text after a call starts a new turn: the client side writes calls last.
                        if !turn.toolCalls.isEmpty {
                            closeAssistant()
                            turn = Message(role: .assistant, content: [])
                        }
                        let text = try Self.text(item["content"], at: path + ".content")
                        if !text.isEmpty { turn.content.append(.text(text)) }
                        assistant = turn
                    case "user":
                        closeAssistant()
                        messages.append(Message(role: .user, content: try content(item["content"], at: path + ".content")))
                    case "system", "developer":
                        closeAssistant()
                        messages.append(.system(try Self.text(item["content"], at: path + ".content")))
                    default:
                        throw RequestReader.invalid(path + ".role", "must be user, assistant, system or developer")
                    }
                case "function_call":
                    var turn = assistant ?? Message(role: .assistant, content: [])
                    turn.toolCalls.append(try toolCall(item, at: path))
                    assistant = turn
                case "reasoning":
                    var turn = assistant ?? Message(role: .assistant, content: [])
                    // Reasoning comes first in a turn: after text or calls it opens the next one.
                    if !turn.content.isEmpty || !turn.toolCalls.isEmpty {
                        closeAssistant()
                        turn = Message(role: .assistant, content: [])
                    }
                    turn.reasoning.append(try reasoning(item, at: path))
                    assistant = turn
                case "function_call_output":
                    closeAssistant()
                    let id = try RequestReader.string(item["call_id"], at: path + ".call_id")
                    let output = try Self.text(item["output"], at: path + ".output")
                    messages.append(.tool(ToolResult(toolCallID: id, content: output)))
                case "item_reference":
                    throw RequestReader.invalid(path + ".type", "item_reference is not supported: this server stores no items")
                default:
                    throw RequestReader.invalid(path + ".type", "must be message, function_call, function_call_output or reasoning")
                }
            }
            closeAssistant()
            return messages
        case nil, .null?:
            throw RequestReader.invalid("input", "is required")
        default:
            throw RequestReader.invalid("input", "must be a string or an array of items")
        }
    }

    /// A user message's content: a string, or `input_text` and `input_image` parts.
    private static func content(_ value: JSONValue?, at path: String) throws(LLMError) -> [ContentPart] {
        switch value {
        case .string(let text)?:
            return [.text(text)]
        case .array(let parts)?:
            return try parts.enumerated().map { index, raw throws(LLMError) in
                let partPath = "\(path)[\(index)]"
                let part = try RequestReader.object(raw, at: partPath)
                switch try RequestReader.string(part["type"], at: partPath + ".type") {
                case "input_text", "output_text", "text":
                    return .text(try RequestReader.string(part["text"], at: partPath + ".text"))
                case "input_image":
                    let url = try RequestReader.string(part["image_url"], at: partPath + ".image_url")
                    return .image(ImageSource(dataURL: url) ?? .url(url))
                default:
                    throw RequestReader.invalid(partPath + ".type", "must be input_text or input_image")
                }
            }
        default:
            throw RequestReader.invalid(path, "must be a string or an array of parts")
        }
    }

    /// Text-only content (assistant, system and tool output): a string, or text parts joined.
    private static func text(_ value: JSONValue?, at path: String) throws(LLMError) -> String {
        var text = ""
        for part in try content(value, at: path) {
            guard case .text(let piece) = part else { throw RequestReader.invalid(path, "may hold text only") }
            text += piece
        }
        return text
    }

    private static func toolCall(_ item: [String: JSONValue], at path: String) throws(LLMError) -> ToolCall {
        let id = try RequestReader.string(item["call_id"], at: path + ".call_id")
        let name = try RequestReader.string(item["name"], at: path + ".name")
        let text = try RequestReader.string(item["arguments"], at: path + ".arguments")
        do {
            return ToolCall(id: id, name: name, arguments: text.isEmpty ? .object([:]) : try JSONValue(parsing: text))
        } catch {
            throw RequestReader.invalid(path + ".arguments", "is not valid JSON")
        }
    }

    /// A reasoning item: its summary texts are the block's text; its `encrypted_content` the signature it goes
    /// back upstream with (Anthropic's and Gemini's signatures travel there when served as Responses).
    private static func reasoning(_ item: [String: JSONValue], at path: String) throws(LLMError) -> ReasoningBlock {
        var texts: [String] = []
        if let summary = item["summary"], summary != .null {
            guard case .array(let parts) = summary else { throw RequestReader.invalid(path + ".summary", "must be an array") }
            for (index, part) in parts.enumerated() {
                texts.append(try RequestReader.string(part["text"], at: "\(path).summary[\(index)].text"))
            }
        }
        let encrypted = item["encrypted_content"]?.stringValue
        return ReasoningBlock(text: texts.joined(separator: "\n\n"), signature: encrypted, id: item["id"]?.stringValue)
    }

    // MARK: Options

    private static func tool(_ raw: JSONValue, at path: String) throws(LLMError) -> Tool {
        let tool = try RequestReader.object(raw, at: path)
        guard tool["type"]?.stringValue == "function" else {
            throw RequestReader.invalid(path + ".type", "must be function (built-in tools are not served)")
        }
        let name = try RequestReader.string(tool["name"], at: path + ".name")
        let parameters = tool["parameters"].flatMap { $0 == .null ? nil : JSONSchema($0) } ?? JSONSchema(["type": "object", "properties": [:]])
        return Tool(name: name, description: tool["description"]?.stringValue ?? "", parameters: parameters)
    }

    private static func toolChoice(_ value: JSONValue) throws(LLMError) -> ToolChoice {
        try RequestReader.toolChoice(value, named: value["type"]?.stringValue == "function" ? value["name"]?.stringValue : nil)
    }

    private static func responseFormat(_ format: JSONValue) throws(LLMError) -> ResponseFormat {
        switch format["type"]?.stringValue {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema": return try RequestReader.jsonSchemaFormat(format.objectValue ?? [:], at: "text.format")
        default:
            throw RequestReader.invalid("text.format.type", "must be text, json_object or json_schema")
        }
    }

    private static func reasoning(_ value: JSONValue) throws(LLMError) -> ReasoningOptions? {
        let options = try RequestReader.object(value, at: "reasoning")
        guard let effort = options["effort"], effort != .null else { return ReasoningOptions() }
        let name = try RequestReader.string(effort, at: "reasoning.effort")
        if name == "none" { return nil }
        guard let level = ReasoningOptions.Effort(rawValue: name) else {
            throw RequestReader.invalid("reasoning.effort", "must be none, minimal, low, medium or high")
        }
        return ReasoningOptions(effort: level)
    }
}
