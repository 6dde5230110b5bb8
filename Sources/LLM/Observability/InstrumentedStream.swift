/// Wraps a provider's event stream so the call is reported when the stream ends.
///
/// The wrapper pulls: each `next()` of the consumer that finds no event ready takes all the inner stream holds
/// (pulling it when it holds none), directly, in the consumer's task. There is no extra task, so back-pressure and
/// ordering are exactly those of the inner stream. Events are observed when they are taken, so a call whose finish
/// event arrived is reported with its usage even if its consumer stops before reading it (the provider was paid
/// for it). Cancelling the consumer's task cancels the inner stream (its `next()` is cancellation-aware); a
/// consumer that simply stops iterating releases the inner iterator, which ends the inner stream too, and the call
/// is reported as cancelled.
enum InstrumentedStream {
    static func wrap(_ inner: LLMEventStream, call: ModelCall) -> LLMEventStream {
        LLMEventStream(puller: StreamObserver(inner.makeAsyncIterator(), call: call))
    }
}

/// The iteration state of one instrumented stream.
///
/// `@unchecked Sendable`: an `AsyncIterator` is used by one consumer at a time, so `next()` calls never
/// overlap, and `deinit` runs only after the last one has returned.
private final class StreamObserver: StreamEventPuller, @unchecked Sendable {
    private var iterator: LLMEventStream.AsyncIterator
    private let call: ModelCall
    private var outcome = CallOutcome()
    private var sawFinish = false
    private var replySoFar: TextSnapshot?
    private var reported = false

    init(_ iterator: LLMEventStream.AsyncIterator, call: ModelCall) {
        self.iterator = iterator
        self.call = call
    }

    deinit {
        // The consumer dropped the stream before its end.
        report(error: .cancelled)
    }

    // What is done after the inner stream's read is in functions of their own, never inlined: the stream is read in
    // its consumer's task, which keeps the largest stack of frames it ever needed for the stream's life.
    func next(into batch: inout [StreamEvent]) async throws {
        guard !reported else { return }
        do {
            // The inner stream may do its work (HTTP, decoding) in this task: under the call's span. All it holds is
            // taken at once, so a batch costs one span context, not one an event.
            try await call.withSpanContext { try await iterator.next(into: &batch) }
        } catch {
            failed(error)
            throw error
        }
        received(batch)
    }

    @inline(never)
    private func failed(_ error: any Error) {
        report(error: LLMError(normalising: error))
    }

    @inline(never)
    private func received(_ batch: [StreamEvent]) {
        guard !batch.isEmpty else {
            // A stream cut short by cancellation ends without a finish event.
            report(error: !sawFinish && Task.isCancelled ? .cancelled : nil)
            return
        }
        for event in batch { observe(event) }
    }

    private func observe(_ event: StreamEvent) {
        if outcome.timeToFirstToken == nil, event.isContent {
            outcome.timeToFirstToken = call.started.duration(to: .now)
        }
        switch event {
        case .start(let id, let model):
            if let id { outcome.responseID = id }
            if let model { outcome.responseModel = model }
        case .textDelta(_, let snapshot) where call.configuration.logContent:
            replySoFar = snapshot  // turned into text once, when the call is reported
        case .usage(let usage):
            outcome.usage = usage
        case .finish(let reason, let usage, let model):
            sawFinish = true
            outcome.stopReason = reason
            if let usage { outcome.usage = usage }
            if let model { outcome.responseModel = model }
        default:
            break
        }
    }

    private func report(error: LLMError?) {
        guard !reported else { return }
        reported = true
        if let replySoFar { outcome.replyText = replySoFar.text }
        outcome.error = error
        call.finish(outcome)
    }
}
