import LLM
import LLMTesting
import Logging
import Testing

@Suite struct ObservabilityLoggingTests {
    let request = ChatRequest(model: "gpt-4o-mini", messages: [.user("my secret prompt")])

    @Test func successLogsOneInfoLineWithTheCallsMetadata() async throws {
        let recorder = LogRecorder()
        let mock = MockProvider(replies: [MockReply(.text("Hello there"), usage: Usage(inputTokens: 12, outputTokens: 3, cacheReadTokens: 4))])
        let provider = mock.instrumented(logger: recorder.logger(), prices: ["gpt-4o-mini": ModelPrice(input: 1, output: 2)])

        _ = try await provider.complete(request)

        let entries = recorder.entries
        try #require(entries.count == 1)
        let entry = entries[0]
        #expect(entry.level == .info)
        #expect(entry.metadata["request_id"]?.count == 8)
        #expect(entry.metadata["provider"] == "mock")
        #expect(entry.metadata["model"] == "gpt-4o-mini")
        #expect(entry.metadata["operation"] == "complete")
        #expect(entry.metadata["status"] == "ok")
        #expect(entry.metadata["latency_ms"].flatMap(Int.init) != nil)
        #expect(entry.metadata["response_model"] == "mock-model")
        #expect(entry.metadata["stop_reason"] == "end_turn")
        #expect(entry.metadata["input_tokens"] == "12")
        #expect(entry.metadata["output_tokens"] == "3")
        #expect(entry.metadata["cache_read_tokens"] == "4")
        #expect(entry.metadata["ttft_ms"] == nil)
        // (12 - 4) x $1 + 4 x $1 (cache read defaults to the input price) + 3 x $2, per million.
        #expect(entry.metadata["cost_usd"] == "0.000018")
    }

    @Test func contentIsNeverLoggedByDefault() async throws {
        let recorder = LogRecorder()
        let mock = MockProvider(replies: [.text("the private reply")], repeatLastReply: true)
        var streamed = request
        streamed.system = "private system prompt"
        _ = try await mock.instrumented(logger: recorder.logger()).complete(streamed)
        for try await _ in mock.instrumented(logger: recorder.logger()).stream(streamed) {}

        #expect(recorder.entries.count == 2)
        #expect(!recorder.allText.contains("secret"))
        #expect(!recorder.allText.contains("private"))
        #expect(!recorder.entries.contains { $0.level == .trace })
    }

    @Test func contentIsLoggedAtTraceWhenOptedIn() async throws {
        let recorder = LogRecorder()
        let mock = MockProvider(replies: [.text("the private reply")], repeatLastReply: true)
        let provider = mock.instrumented(logger: recorder.logger(), logContent: true)

        _ = try await provider.complete(request)
        for try await _ in provider.stream(request) {}

        let traces = recorder.entries.filter { $0.level == .trace }
        #expect(traces.count == 4)
        #expect(traces.filter { $0.metadata["prompt"] == "user: my secret prompt" }.count == 2)
        #expect(traces.filter { $0.metadata["reply"] == "the private reply" }.count == 2)
        // Every content line carries the same request id as the summary line of its call.
        let ids = Set(recorder.entries.compactMap { $0.metadata["request_id"] })
        #expect(ids.count == 2)
    }

    @Test func failureLogsAWarningWithKindAndHTTPStatus() async throws {
        let recorder = LogRecorder()
        let details = ProviderErrorDetails(provider: "mock", status: 429, message: "slow down", code: "rate_limit_exceeded")
        let mock = MockProvider(replies: [.error(.rateLimited(retryAfter: nil, details))])

        await #expect(throws: LLMError.self) { try await mock.instrumented(logger: recorder.logger()).complete(request) }

        let entry = try #require(recorder.entries.first)
        #expect(entry.level == .warning)
        #expect(entry.metadata["status"] == "error")
        #expect(entry.metadata["error_kind"] == "rate_limited")
        #expect(entry.metadata["http_status"] == "429")
        #expect(entry.metadata["error_code"] == "rate_limit_exceeded")
        #expect(entry.metadata["input_tokens"] == nil)
    }

    @Test func streamsLogTimeToFirstTokenAndUsageFromTheFinishEvent() async throws {
        let recorder = LogRecorder()
        let mock = MockProvider(replies: [MockReply(.text("one two"), usage: Usage(inputTokens: 5, outputTokens: 2, reasoningTokens: 1))])

        for try await _ in mock.instrumented(logger: recorder.logger()).stream(request) {}

        let entry = try #require(recorder.entries.first)
        #expect(entry.metadata["operation"] == "stream")
        #expect(entry.metadata["ttft_ms"].flatMap(Int.init) != nil)
        #expect(entry.metadata["input_tokens"] == "5")
        #expect(entry.metadata["reasoning_tokens"] == "1")
        #expect(entry.metadata["response_id"] == "mock-1")
    }

    @Test func theDefaultLoggerIsLabelledAfterTheProvider() {
        let provider = MockProvider(name: "openai", replies: []).instrumented()
        #expect(provider.logger.label == "llm.openai")
        #expect(provider.name == "openai")
    }
}
