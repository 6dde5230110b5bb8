import NIOCore

/// The state behind ``RetryingStream/make(runner:open:)``: the open attempt, its gate, and the events
/// decoded but not yet read.
///
/// Only the task iterating the stream touches it, one `next()` at a time (an `AsyncIterator` is not
/// shared), hence `@unchecked Sendable`.
final class RetryingEventSource: StreamEventPuller, @unchecked Sendable {
    private struct OpenAttempt {
        var chunks: TransportBody.AsyncIterator
        var decoder: StreamDecoderDriver.Session
    }

    /// A pass decodes buffered chunks until it has this many events, so `ready` stays small.
    private static let eventsPerPass = 256

    private let runner: RetryRunner
    private let open: @Sendable (Int) async throws -> StreamAttempt
    private var attempt: OpenAttempt?
    private var attemptNumber = 1
    private var gate = FirstContentGate()
    /// Events ready for the reader, handed over all at once.
    private var ready: [StreamEvent] = []
    /// Events decoded from the latest chunk, before the gate.
    private var decoded: [StreamEvent] = []
    private var ended = false
    /// The error that ends the stream once the events decoded before it have been read.
    private var failure: LLMError?

    init(runner: RetryRunner, open: @escaping @Sendable (Int) async throws -> StreamAttempt) {
        self.runner = runner
        self.open = open
    }

    // The steps below are functions of their own, never inlined: the stream is read in its consumer's task, which
    // keeps the largest stack of frames it ever needed for the stream's life (inlined, this frame was 816 bytes).
    func next(into batch: inout [StreamEvent]) async throws {
        if Task.isCancelled {
            cancelled()
            return
        }
        while ready.isEmpty {
            if try isOver() { return }
            await advanceOrRecover()
        }
        // The reader's emptied array comes back in place of the events, so neither is allocated again.
        swap(&ready, &batch)
    }

    /// Cancelled between events: the stream just ends (one waiting for the body throws instead).
    @inline(never)
    private func cancelled() {
        attempt = nil  // releasing the body cancels its request
        (ready, failure, ended) = ([], nil, true)
    }

    /// Whether the stream has ended; throws the error that ended it, once.
    @inline(never)
    private func isOver() throws(LLMError) -> Bool {
        if let failure {
            self.failure = nil
            throw failure
        }
        return ended
    }

    @inline(never)
    private func advanceOrRecover() async {
        do {
            try await advance()
        } catch {
            await recover(from: error)
        }
    }

    /// Decodes one more chunk, and those already buffered behind it, opening an attempt first if none is
    /// open; at the end of the body, closes the attempt.
    private func advance() async throws {
        if attempt == nil { try await openAttempt() }
        decoded.removeAllKeepingCapacity()
        try decode(try await attempt!.chunks.next())
    }

    /// Decodes `chunk` (nil: the body ended) and the chunks buffered behind it.
    @inline(never)
    private func decode(_ chunk: ByteBuffer?) throws {
        if let chunk {
            var control = try attempt!.decoder.decode(chunk, &decoded)
            // Chunks that have already arrived (the rest of a socket read) are decoded in the same pass:
            // the loop around it costs more than decoding a small chunk does.
            while control == .continue, decoded.count < Self.eventsPerPass, let buffered = attempt!.chunks.nextIfBuffered() {
                control = try attempt!.decoder.decode(buffered, &decoded)
            }
            if control == .continue {
                passDecoded()
                return
            }
        }
        // The body ended or the end marker came: the rest of the body, if any, is dropped unread.
        try attempt!.decoder.finish(&decoded)
        attempt = nil
        passDecoded()
        if gate.endedEmpty { throw LLMError.emptyResponse(model: gate.model) }
        gate.flush { ready.append($0) }
        ended = true
    }

    @inline(never)
    private func openAttempt() async throws {
        try Task.checkCancellation()
        let opened = try await open(attemptNumber)
        attempt = OpenAttempt(chunks: opened.body.makeAsyncIterator(), decoder: opened.driver.start())
        gate = FirstContentGate()
    }

    private func passDecoded() {
        if gate.deliveredContent, ready.isEmpty {
            // The gate holds nothing back any more: the decoded events become the ready ones, uncopied.
            gate.observe(decoded)
            swap(&ready, &decoded)
            return
        }
        for event in decoded {
            gate.pass(event) { ready.append($0) }
        }
        decoded.removeAllKeepingCapacity()
    }

    /// Retries after a failure before any content (after the policy's delay), else ends the stream with
    /// it, after the events decoded before it.
    private func recover(from error: any Error) async {
        attempt = nil  // releasing the body cancels its request
        passDecoded()
        ended = true
        let error = LLMError(normalising: error)
        if gate.deliveredContent {
            runner.logger.debug("not retried: the stream already delivered content", metadata: ["error": "\(error.kind)"])
        }
        guard !gate.deliveredContent, let delay = runner.retryDelay(afterAttempt: attemptNumber, error: error) else {
            failure = error
            return
        }
        do {
            try await runner.clock.sleep(for: delay)
        } catch {
            failure = .cancelled
            return
        }
        ended = false
        attemptNumber += 1
    }
}
