import LLM
import Testing

/// The Responses API provider against a real llama.cpp server (`/v1/responses`) running a real small model.
@Suite(.enabled(if: LocalServer.isConfigured, "set LLM_E2E_BASE_URL (scripts/test.sh does)"), .serialized)
struct ResponsesEndToEndTests {
    static func provider(_ url: String?, retry: RetryPolicy = RetryPolicy(maxAttempts: 2)) -> OpenAIResponsesProvider {
        OpenAIResponsesProvider(configuration: OpenAIConfiguration(
            name: "llamacpp-responses", baseURL: url ?? "http://127.0.0.1:8080/v1", retryPolicy: retry))
    }

    let provider = Self.provider(LocalServer.baseURL)
    let weather = Tool(name: "get_weather", description: "Get the current weather for a city", parameters: .object(["city": .string(description: "City name")]))

    @Test func completeReturnsTextAndUsage() async throws {
        let response = try await provider.complete(
            ChatRequest(model: LocalServer.model, messages: [.user("Say hello in one short sentence.")], system: "You are friendly.", maxTokens: 24, temperature: 0))
        #expect(!response.content.isEmpty)
        #expect(response.usage.inputTokens > 0)
        #expect(response.usage.outputTokens > 0)
        #expect([StopReason.endTurn, .maxTokens].contains(response.stopReason))
        #expect(response.id?.hasPrefix("resp_") == true)
        #expect(response.raw?["object"] == "response")
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
        #expect((finishUsage?.inputTokens ?? 0) > 0)
        #expect((finishUsage?.outputTokens ?? 0) > 0)
    }

    @Test func multiTurnWithAssistantOutputText() async throws {
        let response = try await provider.complete(ChatRequest(
            model: LocalServer.model, messages: [.user("My name is Ada."), .assistant("Nice to meet you, Ada."), .user("What is my name?")],
            maxTokens: 24, temperature: 0))
        #expect(!response.content.isEmpty)
    }

    @Test func forcedToolCall() async throws {
        let tools = Self.provider(LocalServer.toolsBaseURL)
        let response = try await tools.complete(ChatRequest(
            model: LocalServer.model, messages: [.user("What is the weather in Paris?")], tools: [weather], toolChoice: .required,
            maxTokens: 64, temperature: 0))
        let call = try #require(response.toolCalls.first)
        #expect(call.name == "get_weather")
        #expect(call.arguments.objectValue != nil)
        #expect(call.id.hasPrefix("call_"))
        #expect(response.stopReason == .toolCalls)
    }

    @Test func forcedToolCallStreamed() async throws {
        let tools = Self.provider(LocalServer.toolsBaseURL)
        var starts = 0
        var argumentDeltas = 0
        var accumulator = StreamAccumulator()
        for try await event in tools.stream(ChatRequest(
            model: LocalServer.model, messages: [.user("Weather in Oslo?")], tools: [weather], toolChoice: .required, maxTokens: 64, temperature: 0))
        {
            accumulator.consume(event)
            if case .toolCallStart = event { starts += 1 }
            if case .toolCallDelta = event { argumentDeltas += 1 }
        }
        let response = try accumulator.response()
        #expect(starts == response.toolCalls.count)
        #expect(argumentDeltas > 0)
        #expect(response.toolCalls.first?.name == "get_weather")
    }

    @Test func functionCallOutputRoundTrip() async throws {
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
        var request = ChatRequest(model: LocalServer.model, messages: [.user("hi")], maxTokens: 16)
        // A member the library does not write here (no tools), of a type the server refuses.
        request.extraFields = ["tools": "not a list"]
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

    @Test func stopSequencesAreRefusedBeforeSending() async throws {
        await #expect(throws: LLMError.unsupported(feature: "stop sequences", provider: "llamacpp-responses")) {
            try await provider.complete(ChatRequest(model: LocalServer.model, messages: [.user("hi")], stopSequences: ["."]))
        }
    }
}
