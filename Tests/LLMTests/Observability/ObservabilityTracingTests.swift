import InMemoryTracing
import LLM
import LLMTesting
import NIOCore
import Testing
import Tracing

@Suite struct ObservabilityTracingTests {
    @Test func aCompletedCallIsOneClientSpanWithGenAIAttributes() async throws {
        let tracer = InMemoryTracer()
        let usage = Usage(inputTokens: 40, outputTokens: 7, cacheReadTokens: 30, reasoningTokens: 2)
        let provider = MockProvider(replies: [MockReply(.text("Hello"), usage: usage)]).instrumented(logger: .quiet, tracer: tracer)
        let request = ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")], maxTokens: 100, temperature: 0.2, topP: 0.9)

        _ = try await provider.complete(request)

        let spans = tracer.finishedSpans
        try #require(spans.count == 1)
        let span = spans[0]
        #expect(span.operationName == "chat gpt-4o-mini")
        #expect(span.kind == .client)
        let attributes = span.attributes
        #expect(attributes.get("gen_ai.operation.name") == .string("chat"))
        #expect(attributes.get("gen_ai.provider.name") == .string("mock"))
        #expect(attributes.get("gen_ai.request.model") == .string("gpt-4o-mini"))
        #expect(attributes.get("gen_ai.request.max_tokens") == .int64(100))
        #expect(attributes.get("gen_ai.request.temperature") == .double(0.2))
        #expect(attributes.get("gen_ai.request.top_p") == .double(0.9))
        #expect(attributes.get("gen_ai.response.model") == .string("mock-model"))
        #expect(attributes.get("gen_ai.response.id") == .string("mock-1"))
        #expect(attributes.get("gen_ai.response.finish_reasons") == .stringArray(["end_turn"]))
        #expect(attributes.get("gen_ai.usage.input_tokens") == .int64(40))
        #expect(attributes.get("gen_ai.usage.output_tokens") == .int64(7))
        #expect(attributes.get("gen_ai.usage.cache_read.input_tokens") == .int64(30))
        #expect(attributes.get("gen_ai.usage.reasoning.output_tokens") == .int64(2))
        #expect(attributes.get("gen_ai.usage.cache_creation.input_tokens") == nil)
        #expect(attributes.get("gen_ai.request.stream") == nil)
        #expect(attributes.get("error.type") == nil)
        #expect(span.status == nil)
        #expect(span.errors.isEmpty)
    }

    @Test func aFailedCallHasErrorTypeAndErrorStatus() async throws {
        let tracer = InMemoryTracer()
        let mock = MockProvider(replies: [.error(.serverError(ProviderErrorDetails(provider: "mock", status: 500, message: "boom")))])

        await #expect(throws: LLMError.self) {
            try await mock.instrumented(logger: .quiet, tracer: tracer).complete(ChatRequest(model: "m", messages: [.user("hi")]))
        }

        let span = try #require(tracer.finishedSpans.first)
        #expect(span.attributes.get("error.type") == .string("server_error"))
        #expect(span.status?.code == .error)
        #expect(span.errors.count == 1)
        #expect(span.attributes.get("gen_ai.usage.input_tokens") == nil)
    }

    @Test func aStreamedCallIsMarkedAsStreamWithTimeToFirstChunk() async throws {
        let tracer = InMemoryTracer()
        let provider = MockProvider(name: "gemini", replies: [.text("streamed words")]).instrumented(logger: .quiet, tracer: tracer)

        for try await _ in provider.stream(ChatRequest(model: "gemini-2.5-flash", messages: [.user("hi")])) {}

        let span = try #require(tracer.finishedSpans.first)
        #expect(span.operationName == "chat gemini-2.5-flash")
        #expect(span.attributes.get("gen_ai.provider.name") == .string("gcp.gemini"))
        #expect(span.attributes.get("gen_ai.request.stream") == .bool(true))
        guard case .double(let ttft)? = span.attributes.get("gen_ai.response.time_to_first_chunk") else {
            Issue.record("no time to first chunk")
            return
        }
        #expect(ttft >= 0)
        #expect(span.attributes.get("gen_ai.usage.output_tokens") == .int64(2))
    }

    @Test func theModelSpanIsAChildOfTheCallersSpan() async throws {
        let tracer = InMemoryTracer()
        let provider = MockProvider(replies: [.text("hi")]).instrumented(logger: .quiet, tracer: tracer)

        try await tracer.withSpan("handle request") { _ in
            _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("hi")]))
        }

        let spans = tracer.finishedSpans
        let parent = try #require(spans.first { $0.operationName == "handle request" })
        let child = try #require(spans.first { $0.operationName == "chat m" })
        #expect(child.parentSpanID == parent.spanID)
        #expect(child.traceID == parent.traceID)
    }

    @Test func workAStreamDoesInTheReadingTaskRunsUnderTheModelSpan() async throws {
        // Provider streams decode in the task that reads them; what they trace there (e.g. the HTTP call)
        // must still be a child of the model call's span.
        let tracer = InMemoryTracer()
        let provider = PullingProvider(tracer: tracer).instrumented(logger: .quiet, tracer: tracer)

        var text = ""
        for try await event in provider.stream(ChatRequest(model: "m", messages: [.user("hi")])) {
            if case .textDelta(let delta, _) = event { text += delta }
        }

        #expect(text == "Hello")
        let spans = tracer.finishedSpans
        let model = try #require(spans.first { $0.operationName == "chat m" })
        let http = try #require(spans.first { $0.operationName == "POST /chat" })
        #expect(http.parentSpanID == model.spanID)
        #expect(http.traceID == model.traceID)
    }
}

/// A provider that streams like the built-in ones (`RetryingStream.make(runner:open:)`), tracing its request.
private struct PullingProvider: LLMProvider {
    let tracer: InMemoryTracer
    var name: String { "pulling" }

    func complete(_ request: ChatRequest) async throws -> LLMResponse {
        try await stream(request).collectResponse()
    }

    func stream(_ request: ChatRequest) -> LLMEventStream {
        RetryingStream.make(runner: RetryRunner(policy: .none)) { [tracer] _ in
            tracer.withSpan("POST /chat") { _ in }
            return StreamAttempt(body: TransportBody(chunks: [ByteBuffer(string: "Hello")]), decoder: TextBodyDecoder())
        }
    }
}

/// Each chunk is text; the end of the body finishes the reply.
private struct TextBodyDecoder: StreamBodyDecoder {
    var text = TextSnapshotBuilder()

    mutating func decode(_ chunk: ByteBuffer, into events: inout [StreamEvent]) throws -> StreamControl {
        events.append(.textDelta(String(buffer: chunk), snapshot: text.append(String(buffer: chunk))))
        return .continue
    }

    mutating func finish(into events: inout [StreamEvent]) throws {
        events.append(.finish(stopReason: .endTurn, usage: nil, model: "m"))
    }
}
