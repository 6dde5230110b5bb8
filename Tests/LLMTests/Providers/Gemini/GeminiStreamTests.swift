import LLM
import LLMTesting
import Testing

/// The Gemini provider's whole streaming pipeline (bytes -> SSE -> chunks -> events -> response) on
/// recorded transcripts, fed in odd chunk sizes.
@Suite struct GeminiStreamTests {
    func provider(_ transport: ReplayTransport, retry: RetryPolicy = .none) -> GeminiProvider {
        GeminiProvider(
            configuration: GeminiConfiguration(baseURL: "http://stub/v1beta", apiKey: "AIzaSy-test-KEY", retryPolicy: retry),
            transport: transport, retryClock: RecordingRetryClock())
    }

    func events(_ fixture: String, chunkSize: Int = .max) async throws -> [StreamEvent] {
        let transport = ReplayTransport([.init(body: try Fixtures.text("gemini/\(fixture)"), chunkSize: chunkSize)])
        var events: [StreamEvent] = []
        for try await event in provider(transport).stream(ChatRequest(model: "gemini-2.5-flash", messages: [.user("hi")])) {
            events.append(event)
        }
        return events
    }

    func response(_ fixture: String, chunkSize: Int = .max) async throws -> LLMResponse {
        var accumulator = StreamAccumulator()
        for event in try await events(fixture, chunkSize: chunkSize) { accumulator.consume(event) }
        return try accumulator.response()
    }

    @Test(arguments: transcriptChunkSizes)
    func thoughtsTextUsageAndSplitUTF8(chunkSize: Int) async throws {
        let events = try await events("stream-text-thoughts.sse", chunkSize: chunkSize)
        #expect(events == [
            .start(id: "3p2ZaLrKBM-X1MkP6M_WwQo", model: "gemini-2.5-flash"),
            .reasoningStart,
            .reasoningDelta("**Planning a greeting**\n\nThe user wants a short hello."),
            .reasoningDelta(" Keep it short."),
            .reasoningDelta("", signature: "EpwBCpkBAcu98PCk3fQ2vXl9ZbRm+u1oJtA7sWq0Yc5n8D4hKe6iGzLpUxVwTb2="),
            .textDelta("Héllo, ", snapshot: "Héllo, "),
            .textDelta("世界 🎉", snapshot: "Héllo, 世界 🎉"),
            .textEnd("Héllo, 世界 🎉"),
            // Thoughts are counted apart from the candidates at Gemini: output = 5 + 31.
            .finish(
                stopReason: .endTurn,
                usage: Usage(inputTokens: 20, outputTokens: 36, cacheReadTokens: 8, reasoningTokens: 31),
                model: "gemini-2.5-flash"),
        ])
        var accumulator = StreamAccumulator()
        events.forEach { accumulator.consume($0) }
        #expect(try accumulator.response().reasoning == [ReasoningBlock(
            text: "**Planning a greeting**\n\nThe user wants a short hello. Keep it short.",
            signature: "EpwBCpkBAcu98PCk3fQ2vXl9ZbRm+u1oJtA7sWq0Yc5n8D4hKe6iGzLpUxVwTb2=")])
    }

    @Test(arguments: transcriptChunkSizes)
    func parallelCallsKeepGeminiIdsAndTheFirstSignature(chunkSize: Int) async throws {
        let response = try await response("stream-parallel-tools.sse", chunkSize: chunkSize)
        #expect(response.toolCalls == [
            ToolCall(
                id: "9x1l0mkr", name: "get_weather", arguments: ["city": "Oslo"],
                signature: "CiwBy7zw8Pq1SjWk0nQ+RkZ9aT2dLxY3bVc8mE5oHfUi4rNs7GjA6KpW1eQ="),
            ToolCall(id: "q7c2v4ne", name: "get_time", arguments: ["zone": "CET", "format": ["hours": 24]]),
        ])
        #expect(response.stopReason == .toolCalls)
        #expect(response.content == "")
        #expect(response.model == "gemini-3-flash-preview")
        #expect(response.reasoning == [ReasoningBlock(text: "**Checking two cities**\n\nI will look up both at once.")])
    }

    @Test(arguments: transcriptChunkSizes)
    func signatureOnATrailingEmptyPartIsKeptAndSentBack(chunkSize: Int) async throws {
        let response = try await response("stream-signature-last.sse", chunkSize: chunkSize)
        let signature = "EuYBCuMBAcu98PD1k0Hs2mJ8hLwZq5vNc6TtR4fYx3oUaIbPe7gKdQiS9lrW="
        #expect(response.content == "The capital of France is Paris.")
        #expect(response.reasoning == [ReasoningBlock(text: "", signature: signature)])
        #expect(response.usage == Usage(inputTokens: 9, outputTokens: 128, reasoningTokens: 120))

        let transport = ReplayTransport([.init(body: try Fixtures.text("conformance/gemini/plain-text.json"))])
        _ = try await provider(transport).complete(ChatRequest(model: "gemini-3-pro-preview", messages: [
            .user("Capital of France?"), response.message, .user("And of Spain?"),
        ]))
        #expect(transport.requestBodies.first?["contents"]?.arrayValue?[1] == ["role": "model", "parts": [
            ["text": "The capital of France is Paris.", "thoughtSignature": .string(signature)],
        ]])
    }

    @Test(arguments: [1, 64])
    func safetyStopMidAnswerIsAContentFilterStop(chunkSize: Int) async throws {
        let response = try await response("stream-safety.sse", chunkSize: chunkSize)
        #expect(response.stopReason == .contentFilter)
        #expect(response.content == "Here is how to")
    }

    @Test func errorEventMidStreamIsTypedAndNotRetriedAfterText() async throws {
        let transport = ReplayTransport([
            .init(body: try Fixtures.text("gemini/stream-error-event.sse")),
            .init(body: try Fixtures.text("conformance/gemini/streamed-text.stream")),
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
        #expect(thrown?.details?.code == "INTERNAL")
        #expect(transport.requests.count == 1)
    }

    @Test func streamEndingWithoutFinishReasonIsANetworkError() async throws {
        await #expect(throws: LLMError.network(reason: "the stream ended before the reply finished")) {
            _ = try await events("stream-truncated.sse")
        }
    }

    @Test func malformedChunkIsATypedErrorWithTheRawText() async throws {
        let transport = ReplayTransport([.init(body: "data: {\"candidates\": [\r\n\r\n")])
        await #expect(throws: LLMError.malformedResponse(reason: "a stream chunk is not valid JSON", raw: "{\"candidates\": [")) {
            for try await _ in provider(transport).stream(ChatRequest(model: "m", messages: [])) {}
        }
    }

    @Test func emptyStreamIsRetriedThenTyped() async throws {
        let empty = "data: " + (try Fixtures.text("gemini/completion-no-candidates.json")).split(separator: "\n").joined() + "\r\n\r\n"
        let transport = ReplayTransport([.init(body: empty), .init(body: empty)])
        await #expect(throws: LLMError.emptyResponse(model: "gemini-2.5-flash")) {
            for try await _ in provider(transport, retry: RetryPolicy(maxAttempts: 2, jitter: false)).stream(ChatRequest(model: "m", messages: [])) {}
        }
        #expect(transport.requests.count == 2)
    }
}
