import InMemoryTracing
import LLM
import LLMTesting
import MetricsTestKit
import Testing
import Tracing

/// An instrumented provider reports embeddings calls as it reports chats: an `embeddings <model>` span with the
/// GenAI attributes, the operation `embeddings` in the metrics, the input tokens and their cost.
@Suite struct ObservabilityEmbeddingsTests {
    @Test func anEmbeddingsCallIsASpanAndMetrics() async throws {
        let tracer = InMemoryTracer()
        let metrics = TestMetrics()
        let mock = MockProvider(replies: [])
        mock.enqueueEmbeddings(.vectors([[1, 0], [0, 1]], inputTokens: 1_000_000))
        let provider = mock.instrumented(
            logger: .quiet, metricsFactory: metrics, tracer: tracer,
            prices: ["emb": ModelPrice(input: 2, output: 0)])

        _ = try await provider.embed(EmbeddingRequest(model: "emb", inputs: ["a", "b"], dimensions: 2))

        let span = try #require(tracer.finishedSpans.first)
        #expect(span.operationName == "embeddings emb")
        #expect(span.attributes.get("gen_ai.operation.name") == .string("embeddings"))
        #expect(span.attributes.get("gen_ai.embeddings.dimension.count") == .int64(2))
        #expect(span.attributes.get("gen_ai.usage.input_tokens") == .int64(1_000_000))
        let operation = [("provider", "mock"), ("model", "emb"), ("operation", "embeddings")]
        #expect(try metrics.expectCounter("llm_requests_total", operation).totalValue == 1)
        #expect(try metrics.expectCounter("llm_tokens_total", [("provider", "mock"), ("model", "emb"), ("type", "input")]).totalValue == 1_000_000)
        // TestMetrics keeps floating-point counters as integers: a million tokens at $2 a million.
        #expect(try metrics.expectCounter("llm_cost_usd_total", [("provider", "mock"), ("model", "emb")]).totalValue == 2)
    }
}
