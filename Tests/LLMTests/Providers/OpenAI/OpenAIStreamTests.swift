import LLM
import LLMTesting
import Testing

/// The OpenAI provider's whole decoding pipeline (bytes -> SSE -> chunks -> events -> response) on
/// recorded transcripts, fed in odd chunk sizes.
@Suite struct OpenAIStreamTests {
    func provider(_ transport: ReplayTransport, retry: RetryPolicy = .none) -> OpenAIProvider {
        OpenAIProvider(
            configuration: OpenAIConfiguration(baseURL: "http://stub/v1", apiKey: "sk-test-SECRET-KEY-123", retryPolicy: retry),
            transport: transport, retryClock: RecordingRetryClock())
    }

    func events(_ fixture: String, chunkSize: Int) async throws -> [StreamEvent] {
        let transport = ReplayTransport([.init(body: try Fixtures.text("openai/\(fixture)"), chunkSize: chunkSize)])
        var events: [StreamEvent] = []
        for try await event in provider(transport).stream(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")])) {
            events.append(event)
        }
        return events
    }

    func response(_ fixture: String, chunkSize: Int) async throws -> LLMResponse {
        var accumulator = StreamAccumulator()
        for event in try await events(fixture, chunkSize: chunkSize) { accumulator.consume(event) }
        return try accumulator.response()
    }

    @Test(arguments: transcriptChunkSizes)
    func textWithUsageAndSplitUTF8(chunkSize: Int) async throws {
        let events = try await events("stream-text.sse", chunkSize: chunkSize)
        #expect(events == [
            .start(id: "chatcmpl-1", model: "gpt-4o-mini-2024-07-18"),
            .textDelta("Héllo", snapshot: "Héllo"),
            .textDelta(", 世界 🎉", snapshot: "Héllo, 世界 🎉"),
            .textEnd("Héllo, 世界 🎉"),
            .finish(
                stopReason: .endTurn,
                usage: Usage(inputTokens: 12, outputTokens: 5, cacheReadTokens: 4, reasoningTokens: 2),
                model: "gpt-4o-mini-2024-07-18"),
        ])
    }

    @Test(arguments: transcriptChunkSizes)
    func parallelToolCalls(chunkSize: Int) async throws {
        let response = try await response("stream-parallel-tools.sse", chunkSize: chunkSize)
        #expect(response.toolCalls == [
            ToolCall(id: "call_a", name: "get_weather", arguments: ["city": "Oslo"]),
            ToolCall(id: "call_b", name: "get_time", arguments: ["zone": "CET"]),
        ])
        #expect(response.stopReason == .toolCalls)
        #expect(response.content == "")
    }

    @Test(arguments: transcriptChunkSizes)
    func serverRepeatingToolNameInEveryChunk(chunkSize: Int) async throws {
        let response = try await response("stream-repeated-tool-name.sse", chunkSize: chunkSize)
        #expect(response.toolCalls == [ToolCall(id: "call_x", name: "get_weather", arguments: ["city": "Paris"])])
    }

    @Test(arguments: transcriptChunkSizes)
    func reasoningContentBecomesReasoningEvents(chunkSize: Int) async throws {
        let events = try await events("stream-reasoning.sse", chunkSize: chunkSize)
        #expect(events.contains(.reasoningStart))
        #expect(events.contains(.reasoningDelta("Let me ")))
        let response = try await response("stream-reasoning.sse", chunkSize: chunkSize)
        #expect(response.reasoning == [ReasoningBlock(text: "Let me think.")])
        #expect(response.content == "42")
        #expect(response.stopReason == .maxTokens)
        #expect(response.usage.reasoningTokens == 7)
    }

    @Test(arguments: [1, 64])
    func truncatedToolArgumentsAreATypedError(chunkSize: Int) async throws {
        await #expect(throws: LLMError.invalidToolArguments(toolName: "search", raw: "{\"query\": \"swi", reason: "not valid JSON (truncated or malformed)")) {
            _ = try await events("stream-truncated-tool.sse", chunkSize: chunkSize)
        }
    }

    @Test func streamEndingWithoutDoneOrFinishIsANetworkError() async throws {
        var text = ""
        await #expect(throws: LLMError.network(reason: "the stream ended before the reply finished")) {
            let transport = ReplayTransport([.init(body: try Fixtures.text("openai/stream-no-done.sse"))])
            for try await event in provider(transport).stream(ChatRequest(model: "m", messages: [])) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        }
        #expect(text == "Half a sen")
    }

    @Test func errorEventMidStreamIsTypedAndTextIsNotRepeated() async throws {
        let transport = ReplayTransport([
            .init(body: try Fixtures.text("openai/stream-error-event.sse")),
            .init(body: try Fixtures.text("openai/stream-text.sse")),
        ])
        var text = ""
        var thrown: LLMError?
        do {
            for try await event in provider(transport, retry: RetryPolicy(maxAttempts: 3)).stream(ChatRequest(model: "m", messages: [])) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        } catch let error as LLMError {
            thrown = error
        }
        #expect(text == "Partial")
        #expect(thrown?.kind == "server_error")
        #expect(thrown?.isRetryable == true)
        #expect(transport.requests.count == 1)
    }

    @Test func malformedChunkIsATypedErrorWithTheRawText() async throws {
        let transport = ReplayTransport([.init(body: "data: {\"choices\": [\n\ndata: [DONE]\n\n")])
        await #expect(throws: LLMError.malformedResponse(reason: "a stream chunk is not valid JSON", raw: "{\"choices\": [")) {
            for try await _ in provider(transport).stream(ChatRequest(model: "m", messages: [])) {}
        }
    }

    @Test func connectionDroppedBeforeFirstEventIsRetried() async throws {
        let transport = ReplayTransport([
            .init(body: "", failure: .network(reason: "connection reset")),
            .init(body: try Fixtures.text("openai/stream-text.sse")),
        ])
        var accumulator = StreamAccumulator()
        for try await event in provider(transport, retry: RetryPolicy(maxAttempts: 2)).stream(ChatRequest(model: "m", messages: [])) {
            accumulator.consume(event)
        }
        #expect(try accumulator.response().content == "Héllo, 世界 🎉")
        #expect(transport.requests.count == 2)
    }

    @Test func serverRejectingStreamOptionsIsAskedAgainWithoutThem() async throws {
        let transport = ReplayTransport([
            .init(status: 400, body: try Fixtures.text("openai/error-stream-options.json")),
            .init(body: try Fixtures.text("openai/stream-text.sse")),
            .init(body: try Fixtures.text("openai/stream-text.sse")),
        ])
        let provider = provider(transport)
        for try await _ in provider.stream(ChatRequest(model: "m", messages: [])) {}
        for try await _ in provider.stream(ChatRequest(model: "m", messages: [])) {}
        let bodies = transport.requestBodies
        #expect(bodies.count == 3)
        #expect(bodies[0]["stream_options"] == ["include_usage": true])
        #expect(bodies[1]["stream_options"] == nil)
        // Remembered: the next stream does not ask again.
        #expect(bodies[2]["stream_options"] == nil)
    }
}
