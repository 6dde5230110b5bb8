import LLM
import LLMTesting
import Testing

/// What goes out on the wire to `POST /responses`, read back from the request the provider sent.
@Suite struct OpenAIResponsesRequestMappingTests {
    static let weather = Tool(name: "get_weather", description: "Weather for a city", parameters: .object(["city": .string()]))

    func sentBody(_ request: ChatRequest, stream: Bool = false) async throws -> JSONValue {
        let reply = try Fixtures.text(stream ? "openai-responses/stream-text.sse" : "conformance/openai-responses/plain-text.json")
        let transport = ReplayTransport([.init(body: reply)])
        let provider = OpenAIResponsesProvider(configuration: OpenAIConfiguration(baseURL: "http://stub/v1", retryPolicy: .none), transport: transport)
        if stream {
            for try await _ in provider.stream(request) {}
        } else {
            _ = try await provider.complete(request)
        }
        #expect(transport.requests.first?.url == "http://stub/v1/responses")
        return try #require(transport.requestBodies.first)
    }

    @Test func everyRequestFieldIsMapped() async throws {
        let request = ChatRequest(
            model: "gpt-4.1-mini", messages: [.system("Answer in French."), .user("Hi")], system: "Be brief.",
            tools: [Self.weather], toolChoice: .tool("get_weather"), maxTokens: 50, temperature: 0.2, topP: 0.9,
            responseFormat: .jsonSchema(name: "answer", schema: .object(["a": .integer()]), strict: true),
            reasoning: ReasoningOptions(effort: .high), extraFields: ["user": "u-1", "temperature": 0.3])
        let body = try await sentBody(request)
        #expect(body["model"] == "gpt-4.1-mini")
        #expect(body["instructions"] == "Be brief.\n\nAnswer in French.")
        #expect(body["input"] == [["type": "message", "role": "user", "content": [["type": "input_text", "text": "Hi"]]]])
        #expect(body["tools"] == [[
            "type": "function", "name": "get_weather", "description": "Weather for a city",
            "parameters": Self.weather.parameters.value, "strict": false,
        ]])
        #expect(body["tool_choice"] == ["type": "function", "name": "get_weather"])
        #expect(body["max_output_tokens"] == 50)
        #expect(body["top_p"] == 0.9)
        #expect(body["text"] == [
            "format": ["type": "json_schema", "name": "answer", "schema": JSONSchema.object(["a": .integer()]).value, "strict": true],
        ])
        #expect(body["reasoning"] == ["effort": "high", "summary": "auto"])
        #expect(body["include"] == ["reasoning.encrypted_content"])
        #expect(body["store"] == false)
        // Chat Completions fields that do not exist here.
        #expect(body["messages"] == nil)
        #expect(body["response_format"] == nil)
        #expect(body["max_tokens"] == nil)
        // Extra fields are added as given and never replace the package's own (a gateway passes clients' on).
        #expect(body["user"] == "u-1")
        #expect(body["temperature"] == 0.2)
        #expect(body["stream"] == nil)
    }

    @Test(arguments: [(ToolChoice.auto, JSONValue.string("auto")), (.none, "none"), (.required, "required")])
    func toolChoices(choice: ToolChoice, expected: JSONValue) async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], tools: [Self.weather], toolChoice: choice))
        #expect(body["tool_choice"] == expected)
    }

    @Test func jsonObjectMode() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], responseFormat: .jsonObject))
        #expect(body["text"] == ["format": ["type": "json_object"]])
    }

    @Test func plainRequestHasNoOptionalFields() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(body.objectValue?.keys.sorted() == ["input", "model", "store"])
    }

    @Test func streamingAsksForAStream() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")]), stream: true)
        #expect(body["stream"] == true)
        #expect(body["stream_options"] == nil)
    }

    @Test(arguments: [(1, 16), (15, 16), (16, 16), (300, 300)])
    func maxOutputTokensHasTheAPIMinimum(asked: Int, sent: Int) async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], maxTokens: asked))
        #expect(body["max_output_tokens"] == .int(sent))
    }

    @Test(arguments: [(1024, "low"), (8192, "medium"), (24576, "high")])
    func aTokenBudgetBecomesAnEffort(budget: Int, effort: String) async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], reasoning: ReasoningOptions(budgetTokens: budget)))
        #expect(body["reasoning"] == ["effort": .string(effort), "summary": "auto"])
        #expect(body["include"] == ["reasoning.encrypted_content"])
    }

    @Test func conversationItems() async throws {
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Oslo"])
        let request = ChatRequest(model: "m", messages: [
            .user([.text("What is this?"), .image(.base64(data: "AAAA", mediaType: "image/png")), .image(.url("https://x/y.jpg"))]),
            .assistant("Let me check.", toolCalls: [call]),
            .tool(ToolResult(toolCallID: "call_1", name: "get_weather", content: "sunny")),
            .tool(ToolResult(toolCallID: "call_2", content: "timeout", isError: true)),
            .assistant("It is sunny."),
        ])
        let input = try #require(try await sentBody(request)["input"]?.arrayValue)
        #expect(input == [
            ["type": "message", "role": "user", "content": [
                ["type": "input_text", "text": "What is this?"],
                ["type": "input_image", "image_url": "data:image/png;base64,AAAA", "detail": "auto"],
                ["type": "input_image", "image_url": "https://x/y.jpg", "detail": "auto"],
            ]],
            ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Let me check."]]],
            ["type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"],
            ["type": "function_call_output", "call_id": "call_1", "output": "sunny"],
            ["type": "function_call_output", "call_id": "call_2", "output": "Error: timeout"],
            ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "It is sunny."]]],
        ])
    }

    @Test func handBuiltReasoningBlocks() async throws {
        let blocks = [
            ReasoningBlock(text: "Thought about it.", redactedData: "gAAAA-encrypted", id: "rs_1"),
            // No item id (reasoning from another API): cannot be sent.
            ReasoningBlock(text: "Chat Completions reasoning"),
            // Not stored and not encrypted: the API would look it up by id and fail.
            ReasoningBlock(text: "bare", id: "rs_2"),
        ]
        let request = ChatRequest(model: "m", messages: [.user("q"), .assistant("a", reasoning: blocks), .user("q2")])
        let input = try #require(try await sentBody(request)["input"]?.arrayValue)
        #expect(input[1] == [
            "type": "reasoning", "id": "rs_1", "summary": [["type": "summary_text", "text": "Thought about it."]],
            "encrypted_content": "gAAAA-encrypted",
        ])
        #expect(input[2]["role"] == "assistant")
        #expect(input.count == 4)

        // With `store: true` the server keeps items, so an id alone is enough.
        var stored = request
        stored.extraFields = ["store": true]
        let storedInput = try #require(try await sentBody(stored)["input"]?.arrayValue)
        #expect(storedInput[2] == ["type": "reasoning", "id": "rs_2", "summary": [["type": "summary_text", "text": "bare"]]])
        #expect(storedInput.count == 5)
    }

    @Test(arguments: [
        (ChatRequest(model: "m", messages: [.user("x")], stopSequences: ["END"]), "stop sequences"),
        (ChatRequest(model: "m", messages: [.user("x")], seed: 7), "seed"),
    ])
    func stopAndSeedAreUnsupported(request: ChatRequest, feature: String) async throws {
        let transport = ReplayTransport([])
        let provider = OpenAIResponsesProvider(configuration: OpenAIConfiguration(baseURL: "http://stub/v1", retryPolicy: .none), transport: transport)
        await #expect(throws: LLMError.unsupported(feature: feature, provider: "openai")) {
            try await provider.complete(request)
        }
        await #expect(throws: LLMError.unsupported(feature: feature, provider: "openai")) {
            for try await _ in provider.stream(request) {}
        }
        #expect(transport.requests.isEmpty)
    }
}
