import LLM
import Testing

/// The Anthropic provider against llama.cpp's `/v1/messages` (the Anthropic wire format), real model.
@Suite(.enabled(if: LocalServer.isConfigured, "set LLM_E2E_BASE_URL (scripts/test.sh does)"), .serialized)
struct AnthropicEndToEndTests {
    func provider(_ url: String?, options: AnthropicOptions = AnthropicOptions()) -> AnthropicProvider {
        AnthropicProvider(configuration: AnthropicConfiguration(
            name: "llamacpp-anthropic", baseURL: url ?? "http://127.0.0.1:8080/v1", retryPolicy: RetryPolicy(maxAttempts: 2),
            options: options))
    }

    static let weather = Tool(name: "get_weather", description: "Get the current weather for a city", parameters: .object(["city": .string()]))

    @Test func completeReturnsTextAndUsage() async throws {
        let response = try await provider(LocalServer.baseURL).complete(ChatRequest(
            model: LocalServer.model, messages: [.user("Say hello.")], system: "You are friendly.", maxTokens: 24, temperature: 0))
        #expect(!response.content.isEmpty)
        #expect(response.usage.inputTokens > 0)
        #expect(response.usage.outputTokens > 0)
        #expect(response.raw?["type"] == "message")
    }

    @Test func streamDeliversDeltasAndFinish() async throws {
        var deltas = 0
        var accumulator = StreamAccumulator()
        for try await event in provider(LocalServer.baseURL).stream(ChatRequest(
            model: LocalServer.model, messages: [.user("Count to five.")], maxTokens: 24, temperature: 0))
        {
            accumulator.consume(event)
            if case .textDelta = event { deltas += 1 }
        }
        let response = try accumulator.response()
        #expect(deltas > 1)
        #expect(!response.content.isEmpty)
        #expect(response.usage.outputTokens > 0)
    }

    @Test func forcedToolUse() async throws {
        let response = try await provider(LocalServer.toolsBaseURL).complete(ChatRequest(
            model: LocalServer.model, messages: [.user("What is the weather in Paris?")], tools: [Self.weather],
            toolChoice: .required, maxTokens: 64, temperature: 0))
        let call = try #require(response.toolCalls.first)
        #expect(call.name == "get_weather")
        #expect(!call.id.isEmpty)
    }

    @Test func forcedToolUseStreamed() async throws {
        var accumulator = StreamAccumulator()
        for try await event in provider(LocalServer.toolsBaseURL).stream(ChatRequest(
            model: LocalServer.model, messages: [.user("Weather in Oslo?")], tools: [Self.weather], toolChoice: .required,
            maxTokens: 64, temperature: 0))
        {
            accumulator.consume(event)
        }
        #expect(try accumulator.response().toolCalls.first?.name == "get_weather")
    }

    @Test func toolResultRoundTrip() async throws {
        let call = ToolCall(id: "toolu_1", name: "get_weather", arguments: ["city": "Paris"])
        let response = try await provider(LocalServer.baseURL).complete(ChatRequest(
            model: LocalServer.model,
            messages: [
                .user("What is the weather in Paris?"), .assistant("", toolCalls: [call]),
                .tool(ToolResult(toolCallID: "toolu_1", name: "get_weather", content: "21 degrees and sunny")),
            ],
            tools: [Self.weather], maxTokens: 40, temperature: 0))
        #expect(!response.content.isEmpty || !response.toolCalls.isEmpty)
        #expect(response.usage.inputTokens > 20)
    }
}
