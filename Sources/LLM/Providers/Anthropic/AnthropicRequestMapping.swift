/// Turns a ``ChatRequest`` into an Anthropic Messages request body. Pure: no I/O.
///
/// Anthropic differs from the OpenAI convention in ways this mapping absorbs: the system prompt is a
/// top-level field, tool results are `tool_result` blocks inside a user turn, consecutive turns of the same
/// role are merged (the API wants them alternating), and `max_tokens` is required.
enum AnthropicRequestMapping {
    /// Used when the request names no limit, since the API requires one.
    static let defaultMaxTokens = 4096
    /// Anthropic's limit of `cache_control` breakpoints in one request.
    static let maxBreakpoints = 4
    /// The tool name used to get JSON-schema output from servers without native structured output.
    static let structuredOutputToolName = "structured_output"

    static func body(for request: ChatRequest, options: AnthropicOptions, stream: Bool) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "max_tokens": .int(request.maxTokens ?? defaultMaxTokens),
        ]
        if stream { body["stream"] = true }
        var tools = request.tools.map { tool in
            ["name": .string(tool.name), "description": .string(tool.description), "input_schema": tool.parameters.value] as JSONValue
        }
        var toolChoice = request.toolChoice.map(self.toolChoice)
        switch request.responseFormat {
        case .text, .jsonObject:
            // JSON object mode has no native switch; the caller's prompt asks for JSON. See README.
            break
        case .jsonSchema(let name, let schema, _):
            if options.nativeStructuredOutput {
                body["output_config"] = ["format": ["type": "json_schema", "schema": schema.value]]
            } else {
                // A forced tool call whose input is the object; the stream mapping turns it back into text.
                tools.append([
                    "name": .string(structuredOutputToolName), "description": .string("Reply with the \(name) object."),
                    "input_schema": schema.value,
                ])
                // With no other tool, "any" forces the same call and also works on servers that do not
                // support naming the tool (llama.cpp).
                toolChoice = tools.count == 1 ? ["type": "any"] : ["type": "tool", "name": .string(structuredOutputToolName)]
            }
        }
        // The cache marks are planned once the tools are known (the structured-output tool counts too).
        let blocks = request.messages.map { $0.role == .system ? [] : self.blocks($0) }
        let cache = AnthropicCachePlan(request: request, options: options, hasTools: !tools.isEmpty, blocks: blocks)
        body["messages"] = .array(messages(request.messages, blocks: blocks, cache: cache))
        if let system = system(for: request, cache: cache.system) { body["system"] = system }
        if let mark = cache.tools, case .object(var last) = tools[tools.count - 1] {
            last["cache_control"] = cacheControl(mark)
            tools[tools.count - 1] = .object(last)
        }
        if !tools.isEmpty { body["tools"] = .array(tools) }
        if let toolChoice { body["tool_choice"] = toolChoice }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if let topP = request.topP { body["top_p"] = .double(topP) }
        if !request.stopSequences.isEmpty { body["stop_sequences"] = .array(request.stopSequences.map(JSONValue.string)) }
        if let reasoning = request.reasoning {
            body["thinking"] = ["type": "enabled", "budget_tokens": .int(thinkingBudget(for: reasoning, maxTokens: request.maxTokens ?? defaultMaxTokens))]
        }
        ExtraFields.add(request.extraFields, to: &body)
        return .object(body)
    }

    /// The caller's budget as given; one made from an effort (medium when none is given) fits under `max_tokens`, as
    /// the API requires, down to its 1,024-token minimum.
    static func thinkingBudget(for reasoning: ReasoningOptions, maxTokens: Int) -> Int {
        if let budget = reasoning.budgetTokens { return budget }
        return max(1024, min(budget(for: reasoning.effort ?? .medium), maxTokens - 1))
    }

    static func budget(for effort: ReasoningOptions.Effort) -> Int {
        switch effort {
        case .minimal: 1024
        case .low: 2048
        case .medium: 8192
        case .high: 24576
        }
    }

    static func system(for request: ChatRequest, cache: CacheBreakpoint?) -> JSONValue? {
        var texts: [String] = []
        if let system = request.system, !system.isEmpty { texts.append(system) }
        for message in request.messages where message.role == .system { texts.append(message.text) }
        guard !texts.isEmpty else { return nil }
        let text = texts.joined(separator: "\n\n")
        guard let cache else { return .string(text) }
        return [["type": "text", "text": .string(text), "cache_control": cacheControl(cache)]]
    }

    /// Messages in Anthropic's shape, same-role neighbours merged (tool results join the user turn); the last block of a
    /// message the cache plan marks carries `cache_control`.
    static func messages(_ messages: [Message], blocks: [[JSONValue]], cache: AnthropicCachePlan) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        for (index, message) in messages.enumerated() where message.role != .system {
            let role = message.role == .assistant ? "assistant" : "user"
            var blocks = blocks[index]
            guard !blocks.isEmpty else { continue }
            if let mark = cache.messages[index], case .object(var last) = blocks[blocks.count - 1] {
                last["cache_control"] = cacheControl(mark)
                blocks[blocks.count - 1] = .object(last)
            }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }
        return turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }
    }

    /// `{"type": "ephemeral"}`, with `"ttl": "1h"` for an hour.
    static func cacheControl(_ breakpoint: CacheBreakpoint) -> JSONValue {
        breakpoint.lifetime == .oneHour ? ["type": "ephemeral", "ttl": "1h"] : ["type": "ephemeral"]
    }

    static func blocks(_ message: Message) -> [JSONValue] {
        var blocks: [JSONValue] = []
        if message.role == .assistant {
            // Thinking goes first and is sent back exactly as received: the signature covers it.
            for block in message.reasoning {
                if let data = block.redactedData {
                    blocks.append(["type": "redacted_thinking", "data": .string(data)])
                } else if let signature = block.signature {
                    blocks.append(["type": "thinking", "thinking": .string(block.text), "signature": .string(signature)])
                }
            }
        }
        if let result = message.toolResult {
            var block: [String: JSONValue] = [
                "type": "tool_result", "tool_use_id": .string(result.toolCallID), "content": .string(result.content),
            ]
            if result.isError { block["is_error"] = true }
            blocks.append(.object(block))
        }
        for part in message.content {
            switch part {
            case .text(let text) where !text.isEmpty:
                blocks.append(["type": "text", "text": .string(text)])
            case .text:
                break
            case .image(.url(let url)):
                blocks.append(["type": "image", "source": ["type": "url", "url": .string(url)]])
            case .image(.base64(let data, let mediaType)):
                blocks.append(["type": "image", "source": ["type": "base64", "media_type": .string(mediaType), "data": .string(data)]])
            }
        }
        for call in message.toolCalls {
            blocks.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.arguments])
        }
        return blocks
    }

    static func toolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: ["type": "auto"]
        case .none: ["type": "none"]
        case .required: ["type": "any"]
        case .tool(let name): ["type": "tool", "name": .string(name)]
        }
    }
}
