import InMemoryTracing
import LLM
import LLMTesting
import Testing
import Tracing

@Suite struct ObservabilityStreamTests {
    let request = ChatRequest(model: "m", messages: [.user("hi")])

    @Test func eventsPassThroughUnchangedAndUsageComesFromTheFinishEvent() async throws {
        let events: [StreamEvent] = [
            .start(id: "resp-1", model: nil),
            .textDelta("Hi", snapshot: "Hi"),
            .usage(Usage(inputTokens: 1, outputTokens: 1)),
            .textEnd("Hi"),
            .finish(stopReason: .maxTokens, usage: Usage(inputTokens: 9, outputTokens: 4), model: "m-2026"),
        ]
        let tracer = InMemoryTracer()
        let recorder = LogRecorder()
        let provider = ScriptedStreamProvider(events: events).instrumented(logger: recorder.logger(label: "llm.scripted"), tracer: tracer)

        var received: [StreamEvent] = []
        for try await event in provider.stream(request) { received.append(event) }

        #expect(received == events)
        let span = try #require(tracer.finishedSpans.first)
        #expect(span.attributes.get("gen_ai.usage.input_tokens") == .int64(9))
        #expect(span.attributes.get("gen_ai.response.model") == .string("m-2026"))
        #expect(span.attributes.get("gen_ai.response.id") == .string("resp-1"))
        #expect(span.attributes.get("gen_ai.response.finish_reasons") == .stringArray(["max_tokens"]))
        #expect(recorder.entries.count == 1)
        #expect(recorder.entries.first?.metadata["output_tokens"] == "4")
    }

    @Test func whatTheInnerStreamDecodedAtOnceIsHandedOverAtOnce() async throws {
        let batches: [[StreamEvent]] = [
            [.start(id: "resp-1", model: nil), .textDelta("Hi", snapshot: "Hi"), .textDelta("!", snapshot: "Hi!")],
            [.textEnd("Hi!"), .finish(stopReason: .endTurn, usage: Usage(inputTokens: 3, outputTokens: 2), model: nil)],
        ]
        let tracer = InMemoryTracer()
        let stream = BatchedStreamProvider(batches: batches).instrumented(logger: .quiet, tracer: tracer).stream(request)
        var iterator = stream.makeAsyncIterator()

        // One event at a time still works; the rest of its batch is then handed over in one call.
        #expect(try await iterator.next() == batches[0][0])
        var batch: [StreamEvent] = []
        try await iterator.next(into: &batch)
        #expect(batch == Array(batches[0].dropFirst()))
        batch = []
        try await iterator.next(into: &batch)
        #expect(batch == batches[1])
        batch = []
        try await iterator.next(into: &batch)
        #expect(batch.isEmpty, "nothing at the end")

        // Every event of a batch was seen: the call is reported once, with the finish event's usage.
        #expect(tracer.finishedSpans.count == 1)
        let span = try #require(tracer.finishedSpans.first)
        #expect(span.attributes.get("gen_ai.usage.output_tokens") == .int64(2))
        #expect(span.attributes.get("gen_ai.response.id") == .string("resp-1"))
    }

    @Test func anErrorInTheStreamReachesTheConsumerAndIsReported() async throws {
        let tracer = InMemoryTracer()
        let mock = MockProvider(replies: [MockReply(.textThenError("partial answer", .network(reason: "reset")))])
        var text = ""

        await #expect(throws: LLMError.network(reason: "reset")) {
            for try await event in mock.instrumented(logger: .quiet, tracer: tracer).stream(request) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        }

        #expect(text == "partial answer")
        let span = try #require(tracer.finishedSpans.first)
        #expect(span.attributes.get("error.type") == .string("network"))
    }

    @Test func cancellingTheConsumerCancelsTheInnerStream() async throws {
        let inner = HangingStreamProvider()
        let tracer = InMemoryTracer()
        let recorder = LogRecorder()
        let stream = inner.instrumented(logger: recorder.logger(label: "llm.hanging"), tracer: tracer).stream(request)
        let firstText = Signal()

        let consumer = Task {
            var count = 0
            for try await event in stream {
                count += 1
                if case .textDelta = event { firstText.fire() }
            }
            return count
        }
        await firstText.wait()
        consumer.cancel()

        #expect(try await consumer.value == 2)
        #expect(inner.termination == "cancelled")
        let span = try #require(tracer.finishedSpans.first)
        #expect(span.attributes.get("error.type") == .string("cancelled"))
        let entry = try #require(recorder.entries.first)
        #expect(entry.level == .debug)
        #expect(entry.metadata["error_kind"] == "cancelled")
        #expect(entry.metadata["ttft_ms"] != nil)
    }

    @Test func abandoningTheStreamEndsTheInnerStreamAndReportsTheCall() async throws {
        let inner = HangingStreamProvider()
        let tracer = InMemoryTracer()

        try await consumeFirstTextDelta(of: inner.instrumented(logger: .quiet, tracer: tracer).stream(request))

        #expect(inner.termination == "cancelled")
        #expect(tracer.activeSpans.isEmpty)
        let span = try #require(tracer.finishedSpans.first)
        #expect(span.attributes.get("error.type") == .string("cancelled"))
    }

    /// Reads until the first text delta and stops; the stream is released when this returns.
    private func consumeFirstTextDelta(of stream: LLMEventStream) async throws {
        for try await event in stream {
            if case .textDelta = event { break }
        }
    }

    @Test func theCallIsReportedExactlyOnce() async throws {
        let tracer = InMemoryTracer()
        let recorder = LogRecorder()
        let provider = MockProvider(replies: [.text("a b")]).instrumented(logger: recorder.logger(), tracer: tracer)

        let stream = provider.stream(request)
        var iterator = stream.makeAsyncIterator()
        while try await iterator.next() != nil {}
        #expect(try await iterator.next() == nil)

        #expect(recorder.entries.count == 1)
        #expect(tracer.finishedSpans.count == 1)
    }
}
