import LLM
import LLMTesting
import Testing

/// The Responses provider's whole decoding pipeline (bytes -> SSE -> events -> StreamEvents -> response)
/// on transcripts written from the API reference and recorded from llama.cpp, fed in odd chunk sizes.
@Suite struct OpenAIResponsesStreamTests {
    func provider(_ transport: ReplayTransport, retry: RetryPolicy = .none) -> OpenAIResponsesProvider {
        OpenAIResponsesProvider(
            configuration: OpenAIConfiguration(baseURL: "http://stub/v1", apiKey: "sk-test-SECRET-KEY-123", retryPolicy: retry),
            transport: transport, retryClock: RecordingRetryClock())
    }

    func events(_ fixture: String, chunkSize: Int = .max, request: ChatRequest = ChatRequest(model: "m", messages: [.user("hi")])) async throws -> [StreamEvent] {
        let transport = ReplayTransport([.init(body: try Fixtures.text("openai-responses/\(fixture)"), chunkSize: chunkSize)])
        var events: [StreamEvent] = []
        for try await event in provider(transport).stream(request) { events.append(event) }
        return events
    }

    func response(_ events: [StreamEvent]) throws -> LLMResponse {
        var accumulator = StreamAccumulator()
        events.forEach { accumulator.consume($0) }
        return try accumulator.response()
    }

    /// The `item` of the fixture's `response.output_item.done` event at `outputIndex`, as sent.
    func finishedItem(_ fixture: String, outputIndex: Int) throws -> JSONValue {
        let text = try Fixtures.text("openai-responses/\(fixture)")
        for line in text.split(separator: "\n") where line.hasPrefix("data: ") {
            let event = try JSONValue(parsing: String(line.dropFirst(6)))
            if event["type"] == "response.output_item.done", event["output_index"] == .int(outputIndex) {
                return try #require(event["item"])
            }
        }
        throw Fixtures.FixtureMissing(path: "\(fixture) output_item.done \(outputIndex)")
    }

    @Test(arguments: transcriptChunkSizes)
    func textWithUsageAndSplitUTF8(chunkSize: Int) async throws {
        let events = try await events("stream-text.sse", chunkSize: chunkSize)
        #expect(events == [
            .start(id: "resp_68f1d1a0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4", model: "gpt-4.1-mini-2025-04-14"),
            .textDelta("Héllo", snapshot: "Héllo"),
            .textDelta(", 世界 🎉", snapshot: "Héllo, 世界 🎉"),
            .textEnd("Héllo, 世界 🎉"),
            .finish(
                stopReason: .endTurn,
                usage: Usage(inputTokens: 12, outputTokens: 5, cacheReadTokens: 4, reasoningTokens: 2),
                model: "gpt-4.1-mini-2025-04-14"),
        ])
    }

    @Test(arguments: transcriptChunkSizes)
    func reasoningSummaryPartsAndEncryptedItem(chunkSize: Int) async throws {
        let events = try await events("stream-reasoning.sse", chunkSize: chunkSize)
        let item = try finishedItem("stream-reasoning.sse", outputIndex: 0)
        #expect(events.prefix(7) == [
            .start(id: "resp_68f1d1a1c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6", model: "o4-mini-2025-04-16"),
            .reasoningStart,
            .reasoningDelta("**Multiplying**\n\n"),
            .reasoningDelta("6 times 7."),
            .reasoningDelta("\n\n"),
            .reasoningDelta("It is 42."),
            // The finished item (id and encrypted content arrive only now) rides in the block's signature.
            .reasoningDelta("", signature: item.jsonString),
        ])
        let response = try response(events)
        #expect(response.reasoning == [ReasoningBlock(text: "**Multiplying**\n\n6 times 7.\n\nIt is 42.", signature: item.jsonString)])
        #expect(item["encrypted_content"]?.stringValue?.hasPrefix("gAAAAAB") == true)
        #expect(response.content == "The answer is 42.")
        #expect(response.usage == Usage(inputTokens: 25, outputTokens: 140, reasoningTokens: 128))
        #expect(response.stopReason == .endTurn)
    }

    @Test func streamedReasoningIsSentBackUnchangedOnTheNextTurn() async throws {
        let first = try response(try await events("stream-reasoning.sse"))
        let transport = ReplayTransport([.init(body: try Fixtures.text("conformance/openai-responses/plain-text.json"))])
        let next = ChatRequest(model: "m", messages: [.user("6 x 7?"), first.message, .user("Thanks.")], reasoning: ReasoningOptions(effort: .medium))
        _ = try await provider(transport).complete(next)
        let input = try #require(transport.requestBodies.first?["input"]?.arrayValue)
        #expect(input.count == 4)
        #expect(input[1] == (try finishedItem("stream-reasoning.sse", outputIndex: 0)))
        #expect(input[2] == ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "The answer is 42."]]])
    }

    @Test(arguments: transcriptChunkSizes)
    func reasoningThenTwoFunctionCalls(chunkSize: Int) async throws {
        let events = try await events("stream-tool-calls.sse", chunkSize: chunkSize)
        let calls = [
            ToolCall(id: "call_Wt4hEr0sLo9KmN2bV5cX8zAq", name: "get_weather", arguments: ["city": "Oslo"]),
            ToolCall(id: "call_Tm1eZo7nE3cRv6BnM9qW2sXd", name: "get_time", arguments: ["zone": "CET"]),
        ]
        let toolEvents = events.filter {
            switch $0 {
            case .toolCallStart, .toolCallDelta, .toolCall: true
            default: false
            }
        }
        #expect(toolEvents == [
            .toolCallStart(index: 0, id: "call_Wt4hEr0sLo9KmN2bV5cX8zAq", name: "get_weather"),
            .toolCallDelta(index: 0, arguments: "{\"city\""),
            .toolCallDelta(index: 0, arguments: ":\"Oslo\"}"),
            .toolCall(index: 0, calls[0]),
            .toolCallStart(index: 1, id: "call_Tm1eZo7nE3cRv6BnM9qW2sXd", name: "get_time"),
            .toolCallDelta(index: 1, arguments: "{\"zone\":\"CET\"}"),
            .toolCall(index: 1, calls[1]),
        ])
        let response = try response(events)
        #expect(response.toolCalls == calls)
        #expect(response.stopReason == .toolCalls)
        #expect(response.content == "")
        #expect(response.reasoning.map(\.text) == ["Need the weather and the time."])
    }

    @Test(arguments: transcriptChunkSizes)
    func incompleteIsMaxTokens(chunkSize: Int) async throws {
        let response = try response(try await events("stream-incomplete.sse", chunkSize: chunkSize))
        #expect(response.content == "Once upon a")
        #expect(response.stopReason == .maxTokens)
        #expect(response.usage == Usage(inputTokens: 8, outputTokens: 16))
    }

    @Test(arguments: transcriptChunkSizes)
    func failedResponseIsATypedError(chunkSize: Int) async throws {
        let expected = LLMError.serverError(ProviderErrorDetails(
            provider: "openai", message: "The model failed to generate a response.", code: "server_error"))
        await #expect(throws: expected) {
            _ = try await events("stream-failed.sse", chunkSize: chunkSize)
        }
    }

    @Test(arguments: transcriptChunkSizes)
    func errorEventIsATypedErrorAfterTheTextSoFar(chunkSize: Int) async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("openai-responses/stream-error-event.sse"), chunkSize: chunkSize)])
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
        guard case .rateLimited(_, let details)? = thrown else {
            Issue.record("expected rateLimited, got \(String(describing: thrown))")
            return
        }
        #expect(details.code == "rate_limit_exceeded")
        #expect(details.message.hasPrefix("Rate limit reached"))
        // Text already reached the caller: not retried behind its back.
        #expect(transport.requests.count == 1)
    }

    @Test func failureBeforeAnyContentIsRetried() async throws {
        let transport = ReplayTransport([
            .init(body: try Fixtures.text("openai-responses/stream-failed.sse")),
            .init(body: try Fixtures.text("openai-responses/stream-text.sse")),
        ])
        let response = try await provider(transport, retry: RetryPolicy(maxAttempts: 2)).stream(ChatRequest(model: "m", messages: [])).collectResponse()
        #expect(response.content == "Héllo, 世界 🎉")
        #expect(transport.requests.count == 2)
    }

    @Test(arguments: transcriptChunkSizes)
    func llamaCppTextRecording(chunkSize: Int) async throws {
        let events = try await events("llamacpp-stream-text.sse", chunkSize: chunkSize)
        let response = try response(events)
        #expect(response.content == "I'm glad you're here")
        #expect(events.filter { if case .textDelta = $0 { true } else { false } }.count == 6)
        #expect(response.model == "smol")
        #expect(response.usage.inputTokens > 0)
        #expect(response.usage.outputTokens == 6)
        #expect(response.stopReason == .endTurn)
    }

    @Test(arguments: transcriptChunkSizes)
    func llamaCppToolCallRecording(chunkSize: Int) async throws {
        // llama.cpp sends no output_index, no function_call_arguments.done: items are found by item_id.
        let response = try response(try await events("llamacpp-stream-tool.sse", chunkSize: chunkSize))
        #expect(response.toolCalls.map(\.name) == ["get_weather"])
        #expect(response.toolCalls.first?.arguments == ["city": "Paris"])
        #expect(response.toolCalls.first?.id.hasPrefix("call_") == true)
        #expect(response.stopReason == .toolCalls)
    }

    @Test func streamEndingBeforeCompletedIsANetworkError() async throws {
        let text = try Fixtures.text("openai-responses/stream-text.sse")
        let cut = String(text[..<text.range(of: "event: response.completed")!.lowerBound])
        let transport = ReplayTransport([.init(body: cut)])
        await #expect(throws: LLMError.network(reason: "the stream ended before the reply finished")) {
            for try await _ in provider(transport).stream(ChatRequest(model: "m", messages: [])) {}
        }
    }

    @Test func eventNameStandsInForAMissingType() async throws {
        let body = """
            event: response.output_text.delta
            data: {"item_id":"msg_1","delta":"Hi"}

            event: response.completed
            data: {"response":{"id":"resp_1","status":"completed","model":"m1","usage":{"input_tokens":3,"output_tokens":1}}}


            """
        var accumulator = StreamAccumulator()
        for try await event in provider(ReplayTransport([.init(body: body)])).stream(ChatRequest(model: "m", messages: [])) {
            accumulator.consume(event)
        }
        let response = try accumulator.response()
        #expect(response.content == "Hi")
        #expect(response.model == "m1")
        #expect(response.usage == Usage(inputTokens: 3, outputTokens: 1))
    }

    @Test func truncatedToolArgumentsAreATypedError() async throws {
        let body = """
            data: {"type":"response.output_item.added","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"search","arguments":""}}

            data: {"type":"response.function_call_arguments.delta","output_index":0,"item_id":"fc_1","delta":"{\\"query\\": \\"swi"}

            data: {"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}}


            """
        await #expect(throws: LLMError.invalidToolArguments(toolName: "search", raw: "{\"query\": \"swi", reason: "not valid JSON (truncated or malformed)")) {
            for try await _ in provider(ReplayTransport([.init(body: body)])).stream(ChatRequest(model: "m", messages: [])) {}
        }
    }

    @Test func malformedEventIsATypedErrorWithTheRawText() async throws {
        let transport = ReplayTransport([.init(body: "event: response.created\ndata: {\"type\": \"response.cr\n\n")])
        await #expect(throws: LLMError.malformedResponse(reason: "a stream chunk is not valid JSON", raw: "{\"type\": \"response.cr")) {
            for try await _ in provider(transport).stream(ChatRequest(model: "m", messages: [])) {}
        }
    }
}
