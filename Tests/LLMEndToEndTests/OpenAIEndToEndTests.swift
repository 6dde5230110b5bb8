import LLM
import Testing

/// The OpenAI-compatible provider against a real llama.cpp server running a real small model.
@Suite(.enabled(if: LocalServer.isConfigured, "set LLM_E2E_BASE_URL (scripts/test.sh does)"), .serialized)
struct OpenAIEndToEndTests {
    let provider = LocalServer.provider(LocalServer.baseURL)

    @Test func completeReturnsTextAndUsage() async throws {
        let response = try await provider.complete(
            ChatRequest(model: LocalServer.model, messages: [.user("Say hello in one short sentence.")], maxTokens: 24, temperature: 0))
        #expect(!response.content.isEmpty)
        #expect(response.usage.inputTokens > 0)
        #expect(response.usage.outputTokens > 0)
        #expect([StopReason.endTurn, .maxTokens].contains(response.stopReason))
        #expect(response.raw?["choices"] != nil)
    }

    @Test func streamDeliversDeltasThenFinishWithUsage() async throws {
        var accumulator = StreamAccumulator()
        var deltas = 0
        var lastSnapshot = ""
        var finishUsage: Usage?
        let request = ChatRequest(
            model: LocalServer.model, messages: [.user("Count from one to five.")], system: "You are terse.", maxTokens: 32, temperature: 0)
        for try await event in provider.stream(request) {
            accumulator.consume(event)
            if case .textDelta(_, let snapshot) = event {
                deltas += 1
                lastSnapshot = snapshot.text
            }
            if case .finish(_, let usage, _) = event { finishUsage = usage }
        }
        let response = try accumulator.response()
        #expect(deltas > 1)
        #expect(lastSnapshot == response.content)
        #expect((finishUsage?.outputTokens ?? 0) > 0)
    }

    @Test func jsonSchemaReplyDecodesAsJSON() async throws {
        let schema = JSONSchema.object([
            "name": JSONSchema(["type": "string", "maxLength": 12]),
            "age": JSONSchema(["type": "integer", "minimum": 0, "maximum": 120]),
        ])
        let response = try await provider.complete(ChatRequest(
            model: LocalServer.model, messages: [.user("Invent a person. Reply in JSON.")], maxTokens: 200, temperature: 0,
            responseFormat: .jsonSchema(name: "person", schema: schema)))
        let object = try JSONValue(parsing: response.content)
        #expect(object["name"]?.stringValue != nil)
        #expect(object["age"]?.intValue != nil)
    }

    @Test func forcedToolCall() async throws {
        let tools = LocalServer.provider(LocalServer.toolsBaseURL)
        let weather = Tool(name: "get_weather", description: "Get the current weather for a city", parameters: .object(["city": .string(description: "City name")]))
        let response = try await tools.complete(ChatRequest(
            model: LocalServer.model, messages: [.user("What is the weather in Paris?")], tools: [weather], toolChoice: .required,
            maxTokens: 64, temperature: 0))
        let call = try #require(response.toolCalls.first)
        #expect(call.name == "get_weather")
        #expect(call.arguments.objectValue != nil)
        #expect(!call.id.isEmpty)
    }

    @Test func forcedToolCallStreamed() async throws {
        let tools = LocalServer.provider(LocalServer.toolsBaseURL)
        let weather = Tool(name: "get_weather", description: "Get the current weather for a city", parameters: .object(["city": .string()]))
        var starts = 0
        var accumulator = StreamAccumulator()
        for try await event in tools.stream(ChatRequest(
            model: LocalServer.model, messages: [.user("Weather in Oslo?")], tools: [weather], toolChoice: .required, maxTokens: 64, temperature: 0))
        {
            accumulator.consume(event)
            if case .toolCallStart = event { starts += 1 }
        }
        let response = try accumulator.response()
        #expect(starts == response.toolCalls.count)
        #expect(response.toolCalls.first?.name == "get_weather")
    }

    @Test func toolResultRoundTrip() async throws {
        let weather = Tool(name: "get_weather", description: "Get the current weather for a city", parameters: .object(["city": .string()]))
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])
        let response = try await provider.complete(ChatRequest(
            model: LocalServer.model,
            messages: [
                .user("What is the weather in Paris?"), .assistant("", toolCalls: [call]),
                .tool(ToolResult(toolCallID: "call_1", name: "get_weather", content: "{\"temperature_c\": 21, \"sky\": \"sunny\"}")),
            ],
            tools: [weather], maxTokens: 40, temperature: 0))
        #expect(!response.content.isEmpty || !response.toolCalls.isEmpty)
        #expect(response.usage.inputTokens > 20)
    }

    @Test func badRequestIsInvalidRequest() async throws {
        var request = ChatRequest(model: LocalServer.model, messages: [.user("hi")], maxTokens: 8)
        // A member the library does not write, of a type the server refuses (extra fields never replace its own).
        request.extraFields = ["n": "many"]
        do {
            _ = try await provider.complete(request)
            Issue.record("expected an error")
        } catch let error as LLMError {
            guard case .invalidRequest(let details) = error else {
                Issue.record("expected invalidRequest, got \(error)")
                return
            }
            #expect(details.status == 400)
        }
    }

    @Test func wrongAPIKeyIsAuthentication() async throws {
        let locked = LocalServer.provider(LocalServer.authBaseURL, apiKey: "sk-wrong-key-123456")
        do {
            _ = try await locked.complete(ChatRequest(model: LocalServer.model, messages: [.user("hi")], maxTokens: 8))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "authentication")
            #expect(error.httpStatus == 401)
            #expect(!String(describing: error).contains("sk-wrong-key-123456"))
        }
    }

    @Test func rightAPIKeyIsAccepted() async throws {
        let locked = LocalServer.provider(LocalServer.authBaseURL, apiKey: "local-test-key")
        let response = try await locked.complete(ChatRequest(model: LocalServer.model, messages: [.user("hi")], maxTokens: 8))
        #expect(response.usage.outputTokens > 0)
    }

    @Test func listsModels() async throws {
        let models = try await provider.listModels()
        #expect(models.contains { $0.id == LocalServer.model })
    }

    @Test func unreachableServerIsANetworkError() async throws {
        let nowhere = LocalServer.provider("http://127.0.0.1:9/v1", retry: .none)
        await #expect(throws: LLMError.self) {
            _ = try await nowhere.complete(ChatRequest(model: "m", messages: [.user("hi")]))
        }
        do {
            _ = try await nowhere.complete(ChatRequest(model: "m", messages: [.user("hi")]))
        } catch let error as LLMError {
            #expect(error.kind == "network")
        }
    }
}
