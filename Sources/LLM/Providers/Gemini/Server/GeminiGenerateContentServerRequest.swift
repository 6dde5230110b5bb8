/// A `generateContent` request as a server receives it: the server side of Gemini's format, for an app (or the
/// gateway) that serves any ``LLMProvider`` to Gemini clients. The model is in the URL, so it is given apart.
///
/// A user turn's parts become messages in their order (text and images one user message, each
/// `functionResponse` a tool message); a model turn one assistant message with its thoughts, text, function calls
/// and their thought signatures. Schemas in Gemini's OpenAPI subset (`"type": "OBJECT"`) come back as JSON Schema
/// (`"type": "object"`), which every backend reads. Members are read in either spelling proto3 JSON allows
/// (`thinkingConfig` or `thinking_config`): the google-genai SDKs send some nested ones in snake case. `generationConfig` settings the library has no place for
/// (`topK`, `candidateCount`...) and other members (`safetySettings`...) are kept in ``ChatRequest/extraFields``.
public struct GeminiGenerateContentServerRequest: Sendable, Hashable {
    public var request: ChatRequest

    static let knownMembers: Set<String> = ["contents", "systemInstruction", "tools", "toolConfig", "generationConfig"]
    static let knownGeneration: Set<String> = [
        "maxOutputTokens", "temperature", "topP", "stopSequences", "seed", "responseMimeType", "responseSchema",
        "responseJsonSchema", "thinkingConfig",
    ]

    /// Reads a request body for `model` (the URL's `models/{model}`).
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing or of the wrong type.
    public init(decoding body: JSONValue, model: String) throws(LLMError) {
        let root = try RequestReader.object(body, at: "the body")
        guard case .array(let turns)? = root["contents"] else {
            throw RequestReader.invalid("contents", "is required and must be an array")
        }
        var messages: [Message] = []
        for (index, raw) in turns.enumerated() {
            let path = "contents[\(index)]"
            let turn = try RequestReader.object(raw, at: path)
            guard case .array(let parts)? = turn["parts"] else { throw RequestReader.invalid(path + ".parts", "must be an array") }
            switch turn["role"]?.stringValue ?? "user" {
            case "user", "function": messages += try Self.userTurn(parts, at: path + ".parts")
            case "model": messages.append(try Self.modelTurn(parts, at: path + ".parts"))
            default: throw RequestReader.invalid(path + ".role", "must be user or model")
            }
        }
        var request = ChatRequest(model: model, messages: messages)
        if let system = root[proto: "systemInstruction"], system != .null {
            let texts = system["parts"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? system.stringValue.map { [$0] } ?? []
            if !texts.isEmpty { request.system = texts.joined(separator: "\n\n") }
        }
        if let tools = root["tools"], tools != .null {
            guard case .array(let list) = tools else { throw RequestReader.invalid("tools", "must be an array") }
            for (index, tool) in list.enumerated() {
                for (declarationIndex, raw) in (tool[proto: "functionDeclarations"]?.arrayValue ?? []).enumerated() {
                    let path = "tools[\(index)].functionDeclarations[\(declarationIndex)]"
                    let declaration = try RequestReader.object(raw, at: path)
                    let parameters = declaration[proto: "parametersJsonSchema"] ?? declaration["parameters"].map(Self.jsonSchema)
                    request.tools.append(Tool(
                        name: try RequestReader.string(declaration["name"], at: path + ".name"),
                        description: declaration["description"]?.stringValue ?? "",
                        parameters: JSONSchema(parameters ?? ["type": "object", "properties": [:]])))
                }
            }
        }
        if let config = root[proto: "toolConfig"]?[proto: "functionCallingConfig"], config != .null {
            switch config["mode"]?.stringValue?.uppercased() {
            case "AUTO"?, nil: request.toolChoice = .auto
            case "NONE"?: request.toolChoice = ToolChoice.none
            case "ANY"?, "VALIDATED"?:
                let names = config[proto: "allowedFunctionNames"]?.arrayValue?.compactMap(\.stringValue) ?? []
                request.toolChoice = names.count == 1 ? .tool(names[0]) : .required
            default: throw RequestReader.invalid("toolConfig.functionCallingConfig.mode", "must be AUTO, ANY or NONE")
            }
        }
        if let generation = root[proto: "generationConfig"], generation != .null {
            let config = try RequestReader.object(generation, at: "generationConfig")
            if let value = config[proto: "maxOutputTokens"] { request.maxTokens = try RequestReader.int(value, at: "generationConfig.maxOutputTokens") }
            if let value = config["temperature"] { request.temperature = try RequestReader.double(value, at: "generationConfig.temperature") }
            if let value = config[proto: "topP"] { request.topP = try RequestReader.double(value, at: "generationConfig.topP") }
            if let value = config["seed"] { request.seed = try RequestReader.int(value, at: "generationConfig.seed") }
            if let value = config[proto: "stopSequences"] {
                request.stopSequences = try (value.arrayValue ?? []).enumerated().map { index, item throws(LLMError) in
                    try RequestReader.string(item, at: "generationConfig.stopSequences[\(index)]")
                }
            }
            if let schema = config[proto: "responseJsonSchema"] ?? config[proto: "responseSchema"].map(Self.jsonSchema) {
                request.responseFormat = .jsonSchema(name: "output", schema: JSONSchema(schema), strict: true)
            } else if config[proto: "responseMimeType"]?.stringValue == "application/json" {
                request.responseFormat = .jsonObject
            }
            if let thinking = config[proto: "thinkingConfig"] {
                if let budget = thinking[proto: "thinkingBudget"] {
                    request.reasoning = ReasoningOptions(budgetTokens: try RequestReader.int(budget, at: "generationConfig.thinkingConfig.thinkingBudget"))
                } else if thinking[proto: "includeThoughts"]?.boolValue == true {
                    request.reasoning = ReasoningOptions()
                }
            }
            let other = config.filter { !Self.knownGeneration.contains(GeminiProtoJSON.camelCase($0.key)) }
            if !other.isEmpty { request.extraFields["generationConfig"] = .object(other) }
        }
        for (key, value) in root where !Self.knownMembers.contains(GeminiProtoJSON.camelCase(key)) { request.extraFields[key] = value }
        self.request = request
    }

    /// Gemini's OpenAPI-subset schema as JSON Schema: type names in lower case, all the way down.
    static func jsonSchema(_ schema: JSONValue) -> JSONValue {
        switch schema {
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, value) in object {
                if key == "type", case .string(let type) = value {
                    result[key] = .string(type.lowercased())
                } else if key == "properties", case .object(let properties) = value {
                    result[key] = .object(properties.mapValues(jsonSchema))
                } else if key == "items" || key == "anyOf" || key == "additionalProperties" {
                    result[key] = value.arrayValue.map { .array($0.map(jsonSchema)) } ?? jsonSchema(value)
                } else {
                    result[key] = value
                }
            }
            return .object(result)
        default:
            return schema
        }
    }

    private static func userTurn(_ parts: [JSONValue], at path: String) throws(LLMError) -> [Message] {
        var messages: [Message] = []
        var content: [ContentPart] = []
        for (index, raw) in parts.enumerated() {
            let partPath = "\(path)[\(index)]"
            let part = try RequestReader.object(raw, at: partPath)
            if let text = part["text"]?.stringValue {
                content.append(.text(text))
            } else if let inline = part[proto: "inlineData"] {
                content.append(.image(.base64(
                    // google-genai writes bytes as URL-safe base64; other backends (data: URLs) read the standard one.
                    data: GeminiBase64.standard(try RequestReader.string(inline["data"], at: partPath + ".inlineData.data")),
                    mediaType: try RequestReader.string(inline[proto: "mimeType"], at: partPath + ".inlineData.mimeType"))))
            } else if let file = part[proto: "fileData"] {
                content.append(.image(.url(try RequestReader.string(file[proto: "fileUri"], at: partPath + ".fileData.fileUri"))))
            } else if let response = part[proto: "functionResponse"] {
                if !content.isEmpty { messages.append(.user(content)) }
                content = []
                let name = try RequestReader.string(response["name"], at: partPath + ".functionResponse.name")
                let result = response["response"] ?? .object([:])
                let (text, isError): (String, Bool) = switch result.objectValue {
                case let object? where object.count == 1 && object["result"]?.stringValue != nil: (object["result"]!.stringValue!, false)
                case let object? where object.count == 1 && object["error"]?.stringValue != nil: (object["error"]!.stringValue!, true)
                default: (result.jsonString, false)
                }
                messages.append(.tool(ToolResult(toolCallID: response["id"]?.stringValue ?? "", name: name, content: text, isError: isError)))
            } else {
                throw RequestReader.invalid(partPath, "must hold text, inlineData, fileData or functionResponse in a user turn")
            }
        }
        if !content.isEmpty { messages.append(.user(content)) }
        return messages
    }

    private static func modelTurn(_ parts: [JSONValue], at path: String) throws(LLMError) -> Message {
        var message = Message(role: .assistant)
        var text = ""
        var textSignature: String?
        for (index, raw) in parts.enumerated() {
            let partPath = "\(path)[\(index)]"
            let part = try RequestReader.object(raw, at: partPath)
            let signature = part[proto: "thoughtSignature"]?.stringValue.map(GeminiThoughtSignature.original)
            if let call = part[proto: "functionCall"] {
                let name = try RequestReader.string(call["name"], at: partPath + ".functionCall.name")
                let id = call["id"]?.stringValue ?? GeminiStreamMapper.generatedID(message.toolCalls.count)
                message.toolCalls.append(ToolCall(id: id, name: name, arguments: call["args"] ?? .object([:]), signature: signature))
            } else if part["thought"]?.boolValue == true {
                message.reasoning.append(ReasoningBlock(text: part["text"]?.stringValue ?? "", signature: signature))
            } else if let piece = part["text"]?.stringValue {
                text += piece
                if let signature { textSignature = signature }
            } else {
                throw RequestReader.invalid(partPath, "must hold text or functionCall in a model turn")
            }
        }
        if !text.isEmpty { message.content = [.text(text)] }
        if let textSignature { message.reasoning.append(ReasoningBlock(text: "", signature: textSignature)) }
        return message
    }
}
