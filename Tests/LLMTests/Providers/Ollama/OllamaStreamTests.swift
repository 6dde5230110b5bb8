import LLM
import LLMTesting
import Testing

/// The Ollama provider's whole decoding pipeline (bytes -> NDJSON lines -> chunks -> events -> response) on
/// recorded transcripts, fed in odd chunk sizes.
@Suite struct OllamaStreamTests {
    func provider(_ transport: ReplayTransport, retry: RetryPolicy = .none) -> OllamaProvider {
        OllamaProvider(
            configuration: OllamaConfiguration(host: "http://stub:11434", retryPolicy: retry),
            transport: transport, retryClock: RecordingRetryClock())
    }

    func events(_ fixture: String, chunkSize: Int) async throws -> [StreamEvent] {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/\(fixture)"), chunkSize: chunkSize)])
        var events: [StreamEvent] = []
        for try await event in provider(transport).stream(ChatRequest(model: "llama3.2", messages: [.user("hi")])) {
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
        let events = try await events("stream-text.ndjson", chunkSize: chunkSize)
        #expect(events == [
            .start(id: nil, model: "llama3.2"),
            .textDelta("Héllo", snapshot: "Héllo"),
            .textDelta(", 世界 🎉", snapshot: "Héllo, 世界 🎉"),
            .textEnd("Héllo, 世界 🎉"),
            // Input is prompt_eval_count, output eval_count; Ollama reports no cache or reasoning counts.
            .finish(stopReason: .endTurn, usage: Usage(inputTokens: 26, outputTokens: 5), model: "llama3.2"),
        ])
    }

    @Test(arguments: transcriptChunkSizes)
    func thinkingBecomesReasoningWithoutSignature(chunkSize: Int) async throws {
        let events = try await events("stream-thinking.ndjson", chunkSize: chunkSize)
        #expect(Array(events.prefix(4)) == [
            .start(id: nil, model: "qwen3:8b"), .reasoningStart,
            .reasoningDelta("The user wants "), .reasoningDelta("2+2, which is 4."),
        ])
        var accumulator = StreamAccumulator()
        events.forEach { accumulator.consume($0) }
        let response = try accumulator.response()
        #expect(response.reasoning == [ReasoningBlock(text: "The user wants 2+2, which is 4.")])
        #expect(response.content == "It is 4.")
        #expect(response.usage == Usage(inputTokens: 15, outputTokens: 24))
        // The reasoning goes back as `thinking` on the next turn.
        let next = ReplayTransport([.init(body: try Fixtures.text("ollama/chat-text.json"))])
        _ = try await provider(next).complete(ChatRequest(model: "qwen3:8b", messages: [.user("2+2?"), response.message, .user("Thanks")]))
        #expect(next.requestBodies.first?["messages"]?.arrayValue?[1] == [
            "role": "assistant", "content": "It is 4.", "thinking": "The user wants 2+2, which is 4.",
        ])
    }

    @Test(arguments: transcriptChunkSizes)
    func toolCallsWithoutIdsGetStablePositionIds(chunkSize: Int) async throws {
        let response = try await response("stream-tool-calls.ndjson", chunkSize: chunkSize)
        #expect(response.toolCalls == [
            ToolCall(id: "call_0", name: "get_weather", arguments: ["city": "Oslo"]),
            ToolCall(id: "call_1", name: "get_time", arguments: ["zone": "CET", "format": ["hours": 24]]),
        ])
        // Ollama says "stop"; a reply that called tools is a tool-call stop.
        #expect(response.stopReason == .toolCalls)
        #expect(response.content == "")
        #expect(response.reasoning.map(\.text) == ["Two cities, two calls."])
    }

    @Test(arguments: [1, 7, Int.max])
    func streamWithoutDoneLineIsANetworkError(chunkSize: Int) async throws {
        var text = ""
        await #expect(throws: LLMError.network(reason: "the stream ended before the reply finished")) {
            let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/stream-truncated.ndjson"), chunkSize: chunkSize)])
            for try await event in provider(transport).stream(ChatRequest(model: "m", messages: [])) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        }
        #expect(text == "Half a sen")
    }

    @Test(arguments: [1, 7, Int.max])
    func errorLineMidStreamIsTypedAndNotRetriedAfterText(chunkSize: Int) async throws {
        let transport = ReplayTransport([
            .init(body: try Fixtures.text("ollama/stream-error-line.ndjson"), chunkSize: chunkSize),
            .init(body: try Fixtures.text("ollama/stream-text.ndjson")),
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
        guard case .serverError(let details)? = thrown else { Issue.record("got \(String(describing: thrown))"); return }
        #expect(details.message == "an error was encountered while running the model: unexpected EOF")
        #expect(details.status == nil)
        #expect(transport.requests.count == 1)
    }

    @Test func errorLineWithStatusUsesIt() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("ollama/stream-error-status.ndjson"))])
        do {
            for try await _ in provider(transport).stream(ChatRequest(model: "m", messages: [])) {}
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == "context_length_exceeded")
            #expect(error.httpStatus == 400)
        }
    }

    @Test func malformedLineIsATypedErrorWithTheRawText() async throws {
        let transport = ReplayTransport([.init(body: "{\"model\":\"m\",\"message\":{\n")])
        await #expect(throws: LLMError.malformedResponse(reason: "a stream chunk is not valid JSON", raw: "{\"model\":\"m\",\"message\":{")) {
            for try await _ in provider(transport).stream(ChatRequest(model: "m", messages: [])) {}
        }
    }

    @Test(arguments: transcriptChunkSizes)
    func textBeforeABadToolCallInTheSameLineArrivesThenTheError(chunkSize: Int) async throws {
        // A line's events reach the caller up to the point its mapping fails: the text is not lost, and the
        // bad call ends the stream with a typed error that keeps the raw arguments.
        let body = #"{"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}"# + "\n"
            + #"{"model":"m","message":{"role":"assistant","content":" there","tool_calls":[{"function":{"name":"w","arguments":"[1,2]"}}]},"done":false}"# + "\n"
        let transport = ReplayTransport([.init(body: body, chunkSize: chunkSize)])
        var received: [StreamEvent] = []
        await #expect(throws: LLMError.invalidToolArguments(toolName: "w", raw: "[1,2]", reason: "expected a JSON object")) {
            let stream = provider(transport, retry: RetryPolicy(maxAttempts: 3)).stream(ChatRequest(model: "m", messages: []))
            for try await event in stream { received.append(event) }
        }
        #expect(received == [.start(id: nil, model: "m"), .textDelta("Hi", snapshot: "Hi"), .textDelta(" there", snapshot: "Hi there")])
        #expect(transport.requests.count == 1, "after text has arrived nothing is retried")
    }

    @Test func busyServerBeforeTheFirstLineIsRetried() async throws {
        let transport = ReplayTransport([
            .init(status: 503, body: try Fixtures.text("conformance/ollama/error-overloaded.json")),
            .init(body: try Fixtures.text("ollama/stream-text.ndjson")),
        ])
        let response = try await provider(transport, retry: RetryPolicy(maxAttempts: 2)).stream(ChatRequest(model: "m", messages: [])).collectResponse()
        #expect(response.content == "Héllo, 世界 🎉")
        #expect(transport.requests.count == 2)
    }
}
