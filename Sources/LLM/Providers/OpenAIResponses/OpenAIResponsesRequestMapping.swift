/// Turns a ``ChatRequest`` into an OpenAI Responses request body (`POST /responses`). Pure: no I/O.
///
/// The Responses API differs from Chat Completions in ways this mapping absorbs: the system prompt is the
/// top-level `instructions`, the conversation is a list of `input` items (messages, `function_call`,
/// `function_call_output` and `reasoning` items), tools are flat (`name` beside `type`), structured output
/// is `text.format`, and nothing is stored server-side (`store: false`), so reasoning must travel back in
/// the request as encrypted content.
enum OpenAIResponsesRequestMapping {
    /// The API rejects `max_output_tokens` below 16 with HTTP 400.
    static let minimumMaxOutputTokens = 16

    static func body(for request: ChatRequest, stream: Bool) -> JSONValue {
        // `store: true` (set through extraFields) keeps items server-side, so id-only reasoning stays valid.
        let stores = request.extraFields["store"] == .bool(true)
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "input": .array(input(for: request.messages, stores: stores)),
            "store": .bool(stores),
        ]
        if stream { body["stream"] = true }
        if let instructions = instructions(for: request) { body["instructions"] = .string(instructions) }
        if !request.tools.isEmpty { body["tools"] = .array(request.tools.map(tool)) }
        if let choice = request.toolChoice { body["tool_choice"] = toolChoice(choice) }
        if let maxTokens = request.maxTokens { body["max_output_tokens"] = .int(max(maxTokens, minimumMaxOutputTokens)) }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if let topP = request.topP { body["top_p"] = .double(topP) }
        switch request.responseFormat {
        case .text:
            break
        case .jsonObject:
            body["text"] = ["format": ["type": "json_object"]]
        case .jsonSchema(let name, let schema, let strict):
            body["text"] = [
                "format": ["type": "json_schema", "name": .string(name), "schema": schema.value, "strict": .bool(strict)],
            ]
        }
        if let reasoning = request.reasoning {
            var options: [String: JSONValue] = ["summary": "auto"]
            if let effort = reasoning.effort ?? reasoning.budgetTokens.map(effort(forBudget:)) {
                options["effort"] = .string(effort.rawValue)
            }
            body["reasoning"] = .object(options)
            // Nothing is stored, so the reasoning must come back encrypted to be sent on the next turn.
            body["include"] = ["reasoning.encrypted_content"]
        }
        ExtraFields.add(request.extraFields, to: &body)
        return .object(body)
    }

    /// A token budget (the Anthropic and Gemini way of asking for reasoning) as the nearest effort.
    static func effort(forBudget budget: Int) -> ReasoningOptions.Effort {
        switch budget {
        case ..<4096: .low
        case ..<16384: .medium
        default: .high
        }
    }

    /// `ChatRequest.system` and every `.system` message, as the Responses API's top-level `instructions`.
    static func instructions(for request: ChatRequest) -> String? {
        var texts: [String] = []
        if let system = request.system, !system.isEmpty { texts.append(system) }
        for message in request.messages where message.role == .system && !message.text.isEmpty {
            texts.append(message.text)
        }
        return texts.isEmpty ? nil : texts.joined(separator: "\n\n")
    }

    static func input(for messages: [Message], stores: Bool) -> [JSONValue] {
        var items: [JSONValue] = []
        for message in messages {
            switch message.role {
            case .system:
                continue
            case .user:
                items.append(["type": "message", "role": "user", "content": .array(message.content.map(inputPart))])
            case .assistant:
                // The order the API produced them in: reasoning, then the text, then the calls.
                items += message.reasoning.compactMap { reasoningItem($0, stores: stores) }
                let text = message.text
                if !text.isEmpty {
                    items.append(["type": "message", "role": "assistant", "content": [["type": "output_text", "text": .string(text)]]])
                }
                items += message.toolCalls.map(functionCall)
            case .tool:
                let result = message.toolResult
                let content = result?.content ?? message.text
                // The API has no error flag on a function's output; say it in the output.
                items.append([
                    "type": "function_call_output", "call_id": .string(result?.toolCallID ?? ""),
                    "output": .string(result?.isError == true ? "Error: \(content)" : content),
                ])
            }
        }
        return items
    }

    static func inputPart(_ part: ContentPart) -> JSONValue {
        switch part {
        case .text(let text):
            return ["type": "input_text", "text": .string(text)]
        case .image(.url(let url)):
            return ["type": "input_image", "image_url": .string(url), "detail": "auto"]
        case .image(.base64(let data, let mediaType)):
            return ["type": "input_image", "image_url": .string("data:\(mediaType);base64,\(data)"), "detail": "auto"]
        }
    }

    static func functionCall(_ call: ToolCall) -> JSONValue {
        [
            "type": "function_call", "call_id": .string(call.id), "name": .string(call.name),
            "arguments": .string(call.arguments.jsonString),
        ]
    }

    /// A reasoning block as the `reasoning` input item it came from.
    ///
    /// A block this provider produced carries the whole item, as received, in its `signature` (see
    /// ``OpenAIResponsesStreamMapper``) and goes back unchanged. A block built by hand with `id` (and
    /// `redactedData` or a signature for the encrypted content) becomes a new item. Blocks without an item id (reasoning
    /// from another API) cannot be sent and are left out, as are items without encrypted content when
    /// nothing is stored: the API would look them up by id and fail with "Item with id ... not found".
    static func reasoningItem(_ block: ReasoningBlock, stores: Bool) -> JSONValue? {
        let item: JSONValue
        if let signature = block.signature, let received = try? JSONValue(parsing: signature), received["type"] == "reasoning" {
            item = received
        } else if let id = block.id {
            var fields: [String: JSONValue] = [
                "type": "reasoning", "id": .string(id),
                "summary": block.text.isEmpty ? [] : [["type": "summary_text", "text": .string(block.text)]],
            ]
            // A signature that is not an item is the encrypted content itself (as a gateway serving Responses hands
            // out another provider's signature).
            if let encrypted = block.redactedData ?? block.signature { fields["encrypted_content"] = .string(encrypted) }
            item = .object(fields)
        } else {
            return nil
        }
        let encrypted = item["encrypted_content"]?.stringValue ?? ""
        guard stores || !encrypted.isEmpty else { return nil }
        return item
    }

    static func tool(_ tool: Tool) -> JSONValue {
        // `strict` defaults to true on this API, which rejects schemas that are not strict-compatible;
        // false keeps the Chat Completions behaviour for every tool schema.
        [
            "type": "function", "name": .string(tool.name), "description": .string(tool.description),
            "parameters": tool.parameters.value, "strict": false,
        ]
    }

    static func toolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "name": .string(name)]
        }
    }
}
