import LLM
import LLMTesting
import Testing

/// What goes out on the wire, read back from the request the provider sent.
@Suite struct OpenAIRequestMappingTests {
    func sentBody(_ request: ChatRequest, stream: Bool = false) async throws -> JSONValue {
        let reply = stream ? try Fixtures.text("openai/stream-text.sse") : try Fixtures.text("openai/completion-text.json")
        let transport = ReplayTransport([.init(body: reply)])
        let provider = OpenAIProvider(configuration: OpenAIConfiguration(baseURL: "http://stub/v1", retryPolicy: .none), transport: transport)
        if stream {
            for try await _ in provider.stream(request) {}
        } else {
            _ = try await provider.complete(request)
        }
        return try #require(transport.requestBodies.first)
    }

    @Test func everyRequestFieldIsMapped() async throws {
        let weather = Tool(name: "get_weather", description: "Weather for a city", parameters: .object(["city": .string()]))
        let request = ChatRequest(
            model: "gpt-4o-mini", messages: [.user("Hi")], system: "Be brief.", tools: [weather], toolChoice: .tool("get_weather"),
            maxTokens: 50, temperature: 0.2, topP: 0.9, stopSequences: ["END"], seed: 7,
            responseFormat: .jsonSchema(name: "answer", schema: .object(["a": .integer()]), strict: true),
            reasoning: ReasoningOptions(effort: .low), extraFields: ["user": "u-1", "temperature": 0.3])
        let body = try await sentBody(request)
        #expect(body["model"] == "gpt-4o-mini")
        #expect(body["messages"] == [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hi"]])
        #expect(body["tools"] == [[
            "type": "function",
            "function": ["name": "get_weather", "description": "Weather for a city", "parameters": weather.parameters.value],
        ]])
        #expect(body["tool_choice"] == ["type": "function", "function": ["name": "get_weather"]])
        #expect(body["max_tokens"] == 50)
        #expect(body["top_p"] == 0.9)
        #expect(body["stop"] == ["END"])
        #expect(body["seed"] == 7)
        #expect(body["reasoning_effort"] == "low")
        #expect(body["response_format"] == [
            "type": "json_schema",
            "json_schema": ["name": "answer", "schema": JSONSchema.object(["a": .integer()]).value, "strict": true],
        ])
        // Extra fields are added as given and never replace the package's own (a gateway passes clients' on).
        #expect(body["user"] == "u-1")
        #expect(body["temperature"] == 0.2)
        #expect(body["stream"] == nil)
    }

    @Test(arguments: [(ToolChoice.auto, JSONValue.string("auto")), (.none, "none"), (.required, "required")])
    func toolChoices(choice: ToolChoice, expected: JSONValue) async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], toolChoice: choice))
        #expect(body["tool_choice"] == expected)
    }

    @Test func jsonObjectMode() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")], responseFormat: .jsonObject))
        #expect(body["response_format"] == ["type": "json_object"])
    }

    @Test func toolRoundTripAndImages() async throws {
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Oslo"])
        let request = ChatRequest(model: "m", messages: [
            .user([.text("What is this?"), .image(.base64(data: "AAAA", mediaType: "image/png")), .image(.url("https://x/y.jpg"))]),
            .assistant("", toolCalls: [call]),
            .tool(ToolResult(toolCallID: "call_1", name: "get_weather", content: "sunny")),
            .tool(ToolResult(toolCallID: "call_2", content: "timeout", isError: true)),
        ])
        let messages = try #require(try await sentBody(request)["messages"]?.arrayValue)
        #expect(messages[0] == ["role": "user", "content": [
            ["type": "text", "text": "What is this?"],
            ["type": "image_url", "image_url": ["url": "data:image/png;base64,AAAA"]],
            ["type": "image_url", "image_url": ["url": "https://x/y.jpg"]],
        ]])
        #expect(messages[1] == ["role": "assistant", "content": nil, "tool_calls": [
            ["id": "call_1", "type": "function", "function": ["name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"]],
        ]])
        #expect(messages[2] == ["role": "tool", "tool_call_id": "call_1", "content": "sunny"])
        #expect(messages[3] == ["role": "tool", "tool_call_id": "call_2", "content": "Error: timeout"])
    }

    @Test func streamingAsksForUsage() async throws {
        let body = try await sentBody(ChatRequest(model: "m", messages: [.user("x")]), stream: true)
        #expect(body["stream"] == true)
        #expect(body["stream_options"] == ["include_usage": true])
    }
}
