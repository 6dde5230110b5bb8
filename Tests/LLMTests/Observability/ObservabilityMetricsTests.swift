import LLM
import LLMTesting
import MetricsTestKit
import Testing

@Suite struct ObservabilityMetricsTests {
    let request = ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")])
    let base = [("provider", "mock"), ("model", "gpt-4o-mini")]

    @Test func completedCallsCountRequestsTokensAndLatency() async throws {
        let metrics = TestMetrics()
        let usage = Usage(inputTokens: 100, outputTokens: 20, cacheReadTokens: 60, cacheWriteTokens: 10, reasoningTokens: 5)
        let provider = MockProvider(replies: [MockReply(.text("ok"), usage: usage)]).instrumented(logger: .quiet, metricsFactory: metrics)

        _ = try await provider.complete(request)

        let operation = base + [("operation", "complete")]
        #expect(try metrics.expectCounter("llm_requests_total", operation).totalValue == 1)
        #expect(metrics.counters(label: "llm_errors_total").isEmpty)
        for (type, count) in [("input", 100), ("output", 20), ("cache_read", 60), ("cache_write", 10), ("reasoning", 5)] {
            #expect(try metrics.expectCounter("llm_tokens_total", base + [("type", type)]).totalValue == Int64(count))
        }
        let latency = try metrics.expectTimer("llm_request_duration_seconds", operation + [("status", "ok")])
        #expect(latency.values.count == 1)
        #expect(metrics.timers(label: "llm_time_to_first_token_seconds").isEmpty)
        #expect(metrics.counters(label: "llm_cost_usd_total").isEmpty)
    }

    @Test func failuresCountAsRequestsAndErrorsByKind() async throws {
        let metrics = TestMetrics()
        let mock = MockProvider(replies: [.error(.authentication(ProviderErrorDetails(provider: "mock", status: 401, message: "bad key")))])

        await #expect(throws: LLMError.self) { try await mock.instrumented(logger: .quiet, metricsFactory: metrics).complete(request) }

        let operation = base + [("operation", "complete")]
        #expect(try metrics.expectCounter("llm_requests_total", operation).totalValue == 1)
        #expect(try metrics.expectCounter("llm_errors_total", operation + [("error_kind", "authentication")]).totalValue == 1)
        #expect(try metrics.expectTimer("llm_request_duration_seconds", operation + [("status", "error")]).values.count == 1)
        #expect(metrics.counters(label: "llm_tokens_total").isEmpty)
    }

    @Test func streamsRecordTimeToFirstToken() async throws {
        let metrics = TestMetrics()
        let reply = MockReply(.text("a b c"), chunkDelay: .milliseconds(20), usage: Usage(inputTokens: 3, outputTokens: 3))
        let provider = MockProvider(replies: [reply]).instrumented(logger: .quiet, metricsFactory: metrics)

        for try await _ in provider.stream(request) {}

        #expect(try metrics.expectCounter("llm_requests_total", base + [("operation", "stream")]).totalValue == 1)
        let ttft = try #require(try metrics.expectTimer("llm_time_to_first_token_seconds", base).lastValue)
        let total = try #require(try metrics.expectTimer("llm_request_duration_seconds", base + [("operation", "stream"), ("status", "ok")]).lastValue)
        // The first word comes after one 20 ms delay and the reply after three; when the reading task is
        // slow to be scheduled it may see later words at once, so only these bounds are certain.
        #expect(ttft >= 20_000_000)
        #expect(total >= 60_000_000)
        #expect(total >= ttft)
        #expect(try metrics.expectCounter("llm_tokens_total", base + [("type", "output")]).totalValue == 3)
    }

    @Test func costIsCountedWhenAPriceTableIsGiven() async throws {
        let metrics = TestMetrics()
        let usage = Usage(inputTokens: 1_000_000, outputTokens: 500_000)
        let prices: PriceTable = ["gpt-4o-mini": ModelPrice(input: 2, output: 4)]
        let provider = MockProvider(replies: [MockReply(.text("ok"), usage: usage)]).instrumented(logger: .quiet, metricsFactory: metrics, prices: prices)

        _ = try await provider.complete(request)

        // TestMetrics keeps floating-point counters as integers, so the amount here is whole dollars: $2 + $2.
        #expect(try metrics.expectCounter("llm_cost_usd_total", base).totalValue == 4)
    }
}
