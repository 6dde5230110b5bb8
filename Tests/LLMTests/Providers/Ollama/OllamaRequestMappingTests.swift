import LLM
import LLMTesting
import Testing

/// What goes out on the wire to `/api/chat`, read back from the request the provider sent.
@Suite struct OllamaRequestMappingTests {
    static let weather = Tool(name: "get_weather", description: "Weather for a city", parameters: .object(["city": .string()]))

    func provider(_ transport: ReplayTransport, options: OllamaOptions = OllamaOptions()) -> OllamaProvider {
        OllamaProvider(configuration: OllamaConfiguration(host: "http://stub:11434", retryPolicy: .none, options: options), transport: transport)
    }

    func sentBody(_ request: ChatRequest, options: OllamaOptions = OllamaOptions(), stream: Bool = false) async throws -> JSONValue {
        let reply = stream ? try Fixtures.text("ollama/stream-text.ndjson") : try Fixtures.text("ollama/chat-text.json")
        let transport = ReplayTransport([.init(body: reply)])
        let provider = provider(transport, options: options)
        if stream {
            for try await _ in provider.stream(request) {}
        } else {
            _ = try await provider.complete(request)
        }
        return try #require(transport.requestBodies.first)
    }

    @Test func everyRequestFieldIsMapped() async throws {
        let schema = JSONSchema.object(["a": .integer()])
        let request = ChatRequest(
            model: "llama3.2", messages: [.user("Hi")], system: "Be brief.", tools: [Self.weather], toolChoice: .auto,
            maxTokens: 50, temperature: 0.2, topP: 0.9, stopSequences: ["END"], seed: 7,
            responseFormat: .jsonSchema(name: "answer", schema: schema, strict: true),
            reasoning: ReasoningOptions(effort: .low))
        let body = try await sentBody(request, options: OllamaOptions(numCtx: 8192, keepAlive: .seconds(600)))
        #expect(body["model"] == "llama3.2")
        #expect(body["stream"] == false)
        #expect(body["messages"] == [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hi"]])
        #expect(body["tools"] == [[
            "type": "function",
            "function": ["name": "get_weather", "description": "Weather for a city", "parameters": Self.weather.parameters.value],
        ]])
        // Ollama has no tool_choice; `.auto` is its only behaviour.
        #expect(body["tool_choice"] == nil)
        // The schema itself is the format.
        #expect(body["format"] == schema.value)
        #expect(body["options"] == ["num_predict": 50, "temperature": 0.2, "top_p": 0.9, "stop": ["END"], "seed": 7, "num_ctx": 8192])
        #expect(body["keep_alive"] == 600)
        #expect(body["think"] == "low")
        #expect(body["max_tokens"] == nil)
        #expect(body["temperature"] == nil)
    }

    @Test func extraFieldsMergeIntoOptionsAndNeverReplaceMappedOnes() async throws {
        let request = ChatRequest(
            model: "m", messages: [.user("x")], temperature: 0.5,
            extraFields: ["options": ["num_ctx": 32768, "top_k": 20], "keep_alive": "10m", "truncate": false])
        let body = try await sentBody(request, options: OllamaOptions(numCtx: 4096, keepAlive: .seconds(60)))
        #expect(body["options"] == ["temperature": 0.5, "num_ctx": 4096, "top_k": 20])
        #expect(body["keep_alive"] == 60)
        #expect(body["truncate"] == false)
    }

    @Test func noOptionsObjectWhenNothingIsSet() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")]))
        #expect(body["options"] == nil)
        #expect(body["keep_alive"] == nil)
        #expect(body["format"] == nil)
        #expect(body["think"] == nil)
        #expect(body["tools"] == nil)
    }

    @Test(arguments: [
        (Duration.zero, JSONValue.int(0)), (.seconds(-1), -1), (.milliseconds(1500), 1.5), (.seconds(3600), 3600),
    ])
    func keepAliveIsSentAsSeconds(keepAlive: Duration, expected: JSONValue) async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")]), options: OllamaOptions(keepAlive: keepAlive))
        #expect(body["keep_alive"] == expected)
    }

    @Test func jsonObjectIsFormatJSON() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], responseFormat: .jsonObject))
        #expect(body["format"] == "json")
    }

    static let thinkCases: [(ReasoningOptions, JSONValue)] = [
        (ReasoningOptions(budgetTokens: 2048), true), (ReasoningOptions(), true),
        (ReasoningOptions(effort: .minimal), "low"), (ReasoningOptions(effort: .medium), "medium"),
        (ReasoningOptions(effort: .high, budgetTokens: 9000), "high"),
    ]

    @Test(arguments: thinkCases)
    func reasoningTurnsOnThink(reasoning: ReasoningOptions, expected: JSONValue) async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], reasoning: reasoning))
        #expect(body["think"] == expected)
    }

    @Test func toolChoiceNoneSendsNoTools() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], tools: [Self.weather], toolChoice: ToolChoice.none))
        #expect(body["tools"] == nil)
        #expect(body["tool_choice"] == nil)
    }

    @Test(arguments: [ToolChoice.required, .tool("get_weather")])
    func forcedToolChoiceIsRefusedBeforeSending(choice: ToolChoice) async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/chat-text.json"))])
        let request = ChatRequest(model: "m", messages: [.user("x")], tools: [Self.weather], toolChoice: choice)
        let refusal = LLMError.unsupported(feature: "forcing a tool call", provider: "ollama")
        await #expect(throws: refusal) { try await provider(transport).complete(request) }
        await #expect(throws: refusal) { for try await _ in provider(transport).stream(request) {} }
        #expect(transport.requests.isEmpty)
    }

    @Test func toolRoundTripReasoningAndImages() async throws {
        let call = ToolCall(id: "call_k3v9x2m7", name: "search_flights", arguments: ["to": ["CDG", "AMS"], "passengers": 2])
        let request = ChatRequest(model: "m", messages: [
            .user([.text("What is this?"), .image(.base64(data: "iVBORw0KGgo=", mediaType: "image/png")), .image(.url("data:image/jpeg;base64,/9j/4AAQ"))]),
            .assistant("", toolCalls: [call], reasoning: [ReasoningBlock(text: "Need flights.")]),
            .tool(ToolResult(toolCallID: "call_k3v9x2m7", name: "search_flights", content: "2 flights")),
            .tool(ToolResult(toolCallID: "call_0", name: "get_weather", content: "timeout", isError: true)),
            .assistant("Found 2 flights."),
        ])
        let messages = try #require(try await sentBody(request)["messages"]?.arrayValue)
        // Images are bare base64 strings; a data URL loses its prefix.
        #expect(messages[0] == ["role": "user", "content": "What is this?", "images": ["iVBORw0KGgo=", "/9j/4AAQ"]])
        // Arguments go out as the JSON object itself, never as a string.
        #expect(messages[1] == ["role": "assistant", "content": "", "thinking": "Need flights.", "tool_calls": [
            ["id": "call_k3v9x2m7", "function": ["name": "search_flights", "arguments": ["to": ["CDG", "AMS"], "passengers": 2]]],
        ]])
        #expect(messages[2] == ["role": "tool", "content": "2 flights", "tool_name": "search_flights", "tool_call_id": "call_k3v9x2m7"])
        #expect(messages[3] == ["role": "tool", "content": "Error: timeout", "tool_name": "get_weather", "tool_call_id": "call_0"])
        #expect(messages[4] == ["role": "assistant", "content": "Found 2 flights."])
    }

    @Test func imageURLIsATypedRefusal() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/chat-text.json"))])
        let request = ChatRequest(model: "llava", messages: [.user([.text("What is this?"), .image(.url("https://example.com/cat.jpg"))])])
        await #expect(throws: LLMError.unsupported(feature: "image URLs (send the image as base64 data)", provider: "ollama")) {
            try await provider(transport).complete(request)
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func streamingAsksForNDJSON() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/stream-text.ndjson"))])
        for try await _ in provider(transport).stream(ChatRequest(model: "m", messages: [.user("x")])) {}
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://stub:11434/api/chat")
        #expect(request.headers.first(name: "accept") == "application/x-ndjson")
        #expect(transport.requestBodies.first?["stream"] == true)
    }
}
