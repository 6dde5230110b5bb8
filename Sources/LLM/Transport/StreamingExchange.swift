import NIOConcurrencyHelpers
import NIOCore

/// A transport's request in flight, as its body's reader sees it: an ``ExchangeState`` under a lock, which the
/// event loop fills and the reading task empties a batch at a time.
protocol StreamingExchange: BatchedBodySource {
    associatedtype Pause

    /// Guards `state`.
    var lock: NIOLock { get }
    var state: ExchangeState<Pause> { get set }

    /// Lets reading the socket go on after a pause; the reader has taken the chunks that caused it.
    func resumeReading(_ pause: Pause)

    /// Ends the exchange with `error` unless it has already ended, and closes its connection.
    func fail(_ error: LLMError)
}

extension StreamingExchange {
    /// Every chunk that has arrived, at once; else waits for the event loop to deliver some. Nil at the end.
    /// Chunks that arrived before a failure are still delivered, then the failure is thrown.
    ///
    /// Taking them all under one lock keeps the reader off the lock the event loop takes per read
    /// (measured: taking one chunk per lock made the two threads contend on most chunks).
    func nextChunks() async throws(LLMError) -> ExchangeState<Pause>.Batch? {
        if Task.isCancelled {
            fail(.cancelled)
            throw .cancelled
        }
        if let next = lock.withLock({ state.takeNext() }) {
            return try deliver(next)
        }
        return try await waitForChunks()
    }

    /// Never inlined: a stream's reader waits here for as long as its upstream is silent, with this frame and its
    /// callers' held by its task.
    @inline(never)
    private func waitForChunks() async throws(LLMError) -> ExchangeState<Pause>.Batch? {
        do {
            return try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<ExchangeState<Pause>.Batch?, any Error>) in
                    let next: ExchangeState<Pause>.Next? = lock.withLock {
                        if let next = state.takeNext() { return next }
                        state.waitingReader = continuation
                        return nil
                    }
                    guard let next else { return }
                    continuation.resume(with: Result { try deliver(next) })
                }
            } onCancel: {
                fail(.cancelled)
            }
        } catch {
            throw LLMError(transportError: error)
        }
    }

    func abandon() {
        fail(.cancelled)
    }

    /// Gives the waiting reader, if any, what there is for it now: the chunks, the end or the failure.
    func resumeWaitingReader() {
        let resumed: (UnsafeContinuation<ExchangeState<Pause>.Batch?, any Error>, ExchangeState<Pause>.Next)? = lock.withLock {
            guard let reader = state.waitingReader, let next = state.takeNext() else { return nil }
            state.waitingReader = nil
            return (reader, next)
        }
        guard let (reader, next) = resumed else { return }
        reader.resume(with: Result { try deliver(next) })
    }

    /// Records `head` as the continuation awaiting the response; if the exchange has already failed (cancelled
    /// before it started), resumes it with the error instead and returns false.
    func startWaitingForHead(_ head: UnsafeContinuation<TransportResponse, any Error>) -> Bool {
        let failedEarly: LLMError? = lock.withLock {
            if case .failed(let error) = state.phase { return error }
            state.phase = .waitingForHead(head)
            return nil
        }
        guard let failedEarly else { return true }
        head.resume(throwing: failedEarly)
        return false
    }

    /// The first-byte and total timers of a request sent `started`, on `eventLoop`.
    func requestTimers(_ timeouts: HTTPTimeouts, from started: NIODeadline, on eventLoop: any EventLoop) -> [Scheduled<Void>] {
        var timers: [Scheduled<Void>] = []
        if let firstByte = timeouts.firstByte {
            timers.append(eventLoop.scheduleTask(deadline: started + TimeAmount(firstByte)) { self.firstByteTimerFired() })
        }
        if let total = timeouts.total {
            timers.append(eventLoop.scheduleTask(deadline: started + TimeAmount(total)) { self.fail(.timeout(.total)) })
        }
        return timers
    }

    /// Fails the exchange with a first-byte timeout if its head has not come yet.
    private func firstByteTimerFired() {
        if lock.withLock({ state.isWaitingForHead }) { fail(.timeout(.firstByte)) }
    }

    private func deliver(_ next: ExchangeState<Pause>.Next) throws(LLMError) -> ExchangeState<Pause>.Batch? {
        switch next {
        case .chunks(let batch, let pause):
            if let pause { resumeReading(pause) }
            return batch
        case .end:
            return nil
        case .failure(let error):
            throw error
        }
    }
}
