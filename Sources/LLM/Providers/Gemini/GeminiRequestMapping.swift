import Foundation

/// Turns a ``ChatRequest`` into a Gemini `generateContent` request body. Pure: no I/O.
///
/// Gemini differs from the OpenAI convention in ways this mapping absorbs: the model is in the URL, not the
/// body; roles are `user` and `model`, and consecutive turns of one role are merged; the system prompt is a
/// top-level `systemInstruction`; tool results are `functionResponse` parts of a user turn, matched by name;
/// sampling settings live in `generationConfig`; schemas must be Gemini's OpenAPI subset (``GeminiSchema``);
/// and thought signatures go back on the very part they came on.
enum GeminiRequestMapping {
    /// A model as the API names its resource: `models/gemini-2.5-flash`; a name with its collection (`tunedModels/x`)
    /// is kept.
    static func resourceName(_ model: String) -> String {
        model.contains("/") ? model : "models/" + model
    }

    static func body(for request: ChatRequest) -> JSONValue {
        var body: [String: JSONValue] = ["contents": .array(contents(request.messages))]
        if let system = systemInstruction(for: request) { body["systemInstruction"] = system }
        if !request.tools.isEmpty {
            body["tools"] = [["functionDeclarations": .array(request.tools.map(declaration))]]
            if let choice = request.toolChoice { body["toolConfig"] = ["functionCallingConfig": functionCallingConfig(choice)] }
        }
        let generation = generationConfig(for: request)
        if !generation.isEmpty { body["generationConfig"] = .object(generation) }
        // Most Gemini settings live one level down (`generationConfig.topK`): an extra object merges into the mapped one.
        ExtraFields.add(request.extraFields, to: &body)
        return .object(body)
    }

    static func generationConfig(for request: ChatRequest) -> [String: JSONValue] {
        var config: [String: JSONValue] = [:]
        if let maxTokens = request.maxTokens { config["maxOutputTokens"] = .int(maxTokens) }
        if let temperature = request.temperature { config["temperature"] = .double(temperature) }
        if let topP = request.topP { config["topP"] = .double(topP) }
        if !request.stopSequences.isEmpty { config["stopSequences"] = .array(request.stopSequences.map(JSONValue.string)) }
        if let seed = request.seed { config["seed"] = .int(seed) }
        switch request.responseFormat {
        case .text:
            break
        case .jsonObject:
            config["responseMimeType"] = "application/json"
        case .jsonSchema(_, let schema, _):
            // `responseSchema` (the OpenAPI subset) works on every Gemini model; `responseJsonSchema` only on
            // 2.5 and later. Gemini always enforces the schema, so `strict` has nothing to switch.
            config["responseMimeType"] = "application/json"
            config["responseSchema"] = GeminiSchema.normalised(schema.value)
        }
        // Neither budget nor effort: -1, Gemini's dynamic thinking.
        if let reasoning = request.reasoning {
            let budget = reasoning.budgetTokens ?? reasoning.effort.map(budget(for:)) ?? -1
            var thinking: [String: JSONValue] = ["thinkingBudget": .int(budget)]
            // Thought summaries are what the reasoning events show; a zero budget turns thinking off.
            if budget != 0 { thinking["includeThoughts"] = true }
            config["thinkingConfig"] = .object(thinking)
        }
        return config
    }

    /// Gemini's own mapping of OpenAI's `reasoning_effort` (1K, 8K and 24K tokens); `minimal` is the
    /// smallest budget every 2.5 model accepts.
    static func budget(for effort: ReasoningOptions.Effort) -> Int {
        switch effort {
        case .minimal: 512
        case .low: 1024
        case .medium: 8192
        case .high: 24576
        }
    }

    static func systemInstruction(for request: ChatRequest) -> JSONValue? {
        var texts: [String] = []
        if let system = request.system, !system.isEmpty { texts.append(system) }
        for message in request.messages where message.role == .system && !message.text.isEmpty { texts.append(message.text) }
        guard !texts.isEmpty else { return nil }
        return ["parts": [["text": .string(texts.joined(separator: "\n\n"))]]]
    }

    static func declaration(_ tool: Tool) -> JSONValue {
        var declaration: [String: JSONValue] = ["name": .string(tool.name), "description": .string(tool.description)]
        let parameters = GeminiSchema.normalised(tool.parameters.value)
        // Gemini rejects an OBJECT with no properties ("should be non-empty"): a tool without arguments
        // declares no parameters at all.
        let hasProperties = parameters["properties"]?.objectValue?.isEmpty == false
        if hasProperties || (parameters["type"] != nil && parameters["type"] != "OBJECT") {
            declaration["parameters"] = parameters
        }
        return .object(declaration)
    }

    static func functionCallingConfig(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: ["mode": "AUTO"]
        case .none: ["mode": "NONE"]
        case .required: ["mode": "ANY"]
        case .tool(let name): ["mode": "ANY", "allowedFunctionNames": [.string(name)]]
        }
    }

    // MARK: - Contents

    /// The conversation as `user` / `model` turns, same-role neighbours merged (tool results join the
    /// user turn), system messages left out (they are the `systemInstruction`).
    static func contents(_ messages: [Message]) -> [JSONValue] {
        var turns: [(role: String, parts: [JSONValue])] = []
        for (position, message) in messages.enumerated() where message.role != .system {
            let role = message.role == .assistant ? "model" : "user"
            let parts = message.role == .assistant ? modelParts(message) : userParts(message, earlier: messages[..<position])
            guard !parts.isEmpty else { continue }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].parts += parts
            } else {
                turns.append((role, parts))
            }
        }
        return turns.map { ["role": .string($0.role), "parts": .array($0.parts)] }
    }

    static func userParts(_ message: Message, earlier: ArraySlice<Message>) -> [JSONValue] {
        if message.role == .tool {
            let result = message.toolResult ?? ToolResult(toolCallID: "", name: message.name, content: message.text)
            return [functionResponse(result, earlier: earlier)]
        }
        return message.content.compactMap(part)
    }

    /// A model turn with its signatures back in place: signed thoughts first, then the answer text (with
    /// the signature Gemini put on it), then each function call with its own signature.
    static func modelParts(_ message: Message) -> [JSONValue] {
        var parts: [JSONValue] = []
        var textSignature: String?
        for block in message.reasoning {
            guard let signature = block.signature, !signature.isEmpty else {
                // Unsigned thought summaries are for reading only; Gemini takes nothing from them.
                continue
            }
            if block.text.isEmpty {
                textSignature = signature
            } else {
                parts.append(["text": .string(block.text), "thought": true, "thoughtSignature": .string(signature)])
            }
        }
        let text = message.text
        if !text.isEmpty {
            var part: [String: JSONValue] = ["text": .string(text)]
            if let textSignature { part["thoughtSignature"] = .string(textSignature) }
            parts.append(.object(part))
        }
        for call in message.toolCalls {
            var functionCall: [String: JSONValue] = [
                "name": .string(call.name),
                "args": call.arguments.objectValue.map(JSONValue.object) ?? .object([:]),
            ]
            if !GeminiStreamMapper.isGeneratedID(call.id), !call.id.isEmpty { functionCall["id"] = .string(call.id) }
            var part: [String: JSONValue] = ["functionCall": .object(functionCall)]
            // Gemini 3 rejects a follow-up whose function call lost its signature.
            if let signature = call.signature, !signature.isEmpty { part["thoughtSignature"] = .string(signature) }
            parts.append(.object(part))
        }
        return parts
    }

    /// A tool result: Gemini matches it to its call by name (and by id when it gave one), and wants the
    /// result as an object.
    static func functionResponse(_ result: ToolResult, earlier: ArraySlice<Message>) -> JSONValue {
        let name = result.name ?? earlier.reversed().lazy.flatMap(\.toolCalls).first { $0.id == result.toolCallID }?.name ?? ""
        let response: JSONValue
        if result.isError {
            response = ["error": .string(result.content)]
        } else if case .object(let object)? = try? JSONValue(parsing: result.content) {
            response = .object(object)
        } else {
            response = ["result": .string(result.content)]
        }
        var functionResponse: [String: JSONValue] = ["name": .string(name), "response": response]
        if !result.toolCallID.isEmpty, !GeminiStreamMapper.isGeneratedID(result.toolCallID) {
            functionResponse["id"] = .string(result.toolCallID)
        }
        return ["functionResponse": .object(functionResponse)]
    }

    static func part(_ content: ContentPart) -> JSONValue? {
        switch content {
        case .text(let text):
            return text.isEmpty ? nil : ["text": .string(text)]
        case .image(.base64(let data, let mediaType)):
            return ["inlineData": ["mimeType": .string(mediaType), "data": .string(data)]]
        case .image(.url(let url)):
            if let (mediaType, data) = dataURL(url) {
                return ["inlineData": ["mimeType": .string(mediaType), "data": .string(data)]]
            }
            var file: [String: JSONValue] = ["fileUri": .string(url)]
            if let mediaType = imageType(ofURL: url) { file["mimeType"] = .string(mediaType) }
            return ["fileData": .object(file)]
        }
    }

    /// `data:image/png;base64,AAAA` -> ("image/png", "AAAA"): Gemini takes inline bytes, not data URLs.
    static func dataURL(_ url: String) -> (String, String)? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        return (String(header.dropLast(7)), String(url[url.index(after: comma)...]))
    }

    /// The image type a URL's extension names, when it names one.
    static func imageType(ofURL url: String) -> String? {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        guard let dot = path.lastIndex(of: ".") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        case "gif": return "image/gif"
        case "heic": return "image/heic"
        case "heif": return "image/heif"
        default: return nil
        }
    }
}
