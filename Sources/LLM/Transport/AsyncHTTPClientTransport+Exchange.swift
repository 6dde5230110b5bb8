import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

extension AsyncHTTPClientTransport {
    /// One request in flight, as AsyncHTTPClient's response delegate.
    ///
    /// AsyncHTTPClient calls it on the connection's event loop; the body's reader pulls chunks from it
    /// in its own task. No task of ours runs beside the request: the timeouts are timers on the event
    /// loop, so a chunk costs one lock. A waiting reader is woken once the chunks of a socket read have
    /// all been buffered, not once per chunk (measured in `Benchmarks/`: a thread wake-up per chunk cost
    /// more than AsyncHTTPClient itself). See `wakeReaderWhenQuiet`.
    ///
    /// For a request that ``TransportRequest/readsWholeBody``, the response is handed over only once the
    /// body has ended (or failed, or filled `pauseBytes`), so a small reply wakes the caller once.
    ///
    /// Any end other than a complete body — a limit running out, the awaiting or reading task being
    /// cancelled, the body dropped unread — cancels the AsyncHTTPClient task, which closes the connection.
    final class Exchange: HTTPClientResponseDelegate, @unchecked Sendable {
        typealias Response = Void

        /// Past this many unread bytes AsyncHTTPClient stops reading the socket until the reader catches up.
        static let pauseBytes = 256 * 1024
        /// A reader is woken at once when this many bytes wait for it, or after this many deferrals.
        static let wakeBytes = 64 * 1024
        static let maxWakeDeferrals = 8

        private enum Phase {
            case waitingForHead(UnsafeContinuation<TransportResponse, any Error>?)
            case streaming
            case finished
            case failed(LLMError)
        }

        private let timeouts: HTTPTimeouts
        private let holdsHeadForBody: Bool
        /// Guards every variable below.
        private let lock = NIOLock()
        private var phase = Phase.waitingForHead(nil)
        private var unread = CircularBuffer<ByteBuffer>()
        private var unreadBytes = 0
        private var waitingReader: UnsafeContinuation<Batch?, any Error>?
        /// While a wake-up of the waiting reader is queued (see `wakeReaderWhenQuiet`): how many chunks were
        /// unread when it was last (re)queued. A waiting reader takes none, so more means more came since.
        private var unreadWhenWakeQueued: Int?
        /// With `holdsHeadForBody`: the response, kept from the caller until the body ends, fails or fills up.
        private var heldHead: HeldHead?
        /// Completed when the reader has caught up; AsyncHTTPClient waits on it while `unread` is full.
        private var paused: EventLoopPromise<Void>?
        private var task: HTTPClient.Task<Void>?
        /// The first-byte and total timers, and the idle timer (re-armed in place, see `armIdleTimer`).
        private var timers: [Scheduled<Void>] = []
        private var idleTimer: Scheduled<Void>?
        private var lastChunk = NIODeadline.now()

        /// A response that arrived but is not yet handed to the task awaiting `send`.
        private struct HeldHead {
            let continuation: UnsafeContinuation<TransportResponse, any Error>
            let response: TransportResponse

            func handOver() { continuation.resume(returning: response) }
        }

        init(timeouts: HTTPTimeouts, holdsHeadForBody: Bool) {
            self.timeouts = timeouts
            self.holdsHeadForBody = holdsHeadForBody
        }

        // MARK: Starting and stopping

        /// Sends the request; `head` is resumed with the response (or the error) once the head arrives.
        func start(_ request: HTTPClient.Request, on client: HTTPClient, head: UnsafeContinuation<TransportResponse, any Error>) {
            let failedEarly: LLMError? = lock.withLock {
                if case .failed(let error) = phase { return error }
                phase = .waitingForHead(head)
                return nil
            }
            if let failedEarly {
                head.resume(throwing: failedEarly)
                return
            }
            let started = NIODeadline.now()
            let task = client.execute(request: request, delegate: self, eventLoop: .indifferent)
            let eventLoop = task.eventLoop
            var timers: [Scheduled<Void>] = []
            if let firstByte = timeouts.firstByte {
                timers.append(eventLoop.scheduleTask(deadline: started + TimeAmount(firstByte)) { self.firstByteTimerFired() })
            }
            if let total = timeouts.total {
                timers.append(eventLoop.scheduleTask(deadline: started + TimeAmount(total)) { self.fail(.timeout(.total)) })
            }
            let stillRunning = lock.withLock {
                self.task = task
                self.timers += timers
                switch phase {
                case .waitingForHead, .streaming: return true
                case .finished, .failed: return false
                }
            }
            if !stillRunning {
                task.cancel()
                for timer in timers { timer.cancel() }
            }
        }

        /// Ends the exchange with `error` unless it has already ended: the awaiting `send` gets the error (or a
        /// held response, whose reader then gets it), so does a waiting reader, and the request is cancelled.
        func fail(_ error: LLMError) {
            let taken: (UnsafeContinuation<TransportResponse, any Error>?, HeldHead?, EventLoopPromise<Void>?, HTTPClient.Task<Void>?, [Scheduled<Void>])? = lock.withLock {
                var head: UnsafeContinuation<TransportResponse, any Error>?
                switch phase {
                case .finished, .failed: return nil
                case .waitingForHead(let continuation): head = continuation
                case .streaming: break
                }
                phase = .failed(error)
                defer { (heldHead, paused, timers, idleTimer) = (nil, nil, [], nil) }
                return (head, heldHead, paused, task, timers + [idleTimer].compactMap { $0 })
            }
            guard let (head, heldHead, paused, task, timers) = taken else { return }
            head?.resume(throwing: error)
            // A held response is handed over as it is: its reader gets the chunks, then this error.
            heldHead?.handOver()
            resumeWaitingReader()
            paused?.succeed(())
            for timer in timers { timer.cancel() }
            task?.cancel()
        }

        // MARK: Timers

        private func firstByteTimerFired() {
            let waiting = lock.withLock { if case .waitingForHead = phase { true } else { false } }
            if waiting { fail(.timeout(.firstByte)) }
        }

        /// Chunks move the idle deadline; rather than rescheduling per chunk, the timer re-reads it when it fires.
        private func armIdleTimer(on eventLoop: any EventLoop) {
            guard let idle = timeouts.idle.map(TimeAmount.init) else { return }
            let deadline: NIODeadline? = lock.withLock {
                guard case .streaming = phase else { return nil }
                return lastChunk + idle
            }
            guard let deadline else { return }
            let timer = eventLoop.scheduleTask(deadline: deadline) {
                let expired: Bool? = self.lock.withLock {
                    guard case .streaming = self.phase else { return nil }
                    return NIODeadline.now() >= self.lastChunk + idle
                }
                switch expired {
                case true?: self.fail(.timeout(.idle))
                case false?: self.armIdleTimer(on: eventLoop)
                case nil: break
                }
            }
            let stale: Scheduled<Void>? = lock.withLock {
                guard case .streaming = phase else { return timer }
                idleTimer = timer
                return nil
            }
            stale?.cancel()
        }

        // MARK: AsyncHTTPClient's delegate (on the event loop)

        func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
            let response = TransportResponse(
                status: Int(head.status.code), headers: head.headers, body: TransportBody(reader: BatchedBodyReader(source: self)))
            let (started, awaiting): (Bool, UnsafeContinuation<TransportResponse, any Error>?) = lock.withLock {
                guard case .waitingForHead(let continuation?) = phase else { return (false, nil) }
                phase = .streaming
                lastChunk = .now()
                if holdsHeadForBody {
                    heldHead = HeldHead(continuation: continuation, response: response)
                    return (true, nil)
                }
                return (true, continuation)
            }
            if started { armIdleTimer(on: task.eventLoop) }
            awaiting?.resume(returning: response)
            return task.eventLoop.makeSucceededVoidFuture()
        }

        func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
            let (queueWake, pause, heldHead): (Bool, EventLoopPromise<Void>?, HeldHead?) = lock.withLock {
                guard case .streaming = phase else { return (false, nil, nil) }
                lastChunk = .now()
                unread.append(buffer)
                unreadBytes += buffer.readableBytes
                let queueWake = waitingReader != nil && unreadWhenWakeQueued == nil
                if queueWake { unreadWhenWakeQueued = unread.count }
                guard unreadBytes >= Self.pauseBytes else { return (queueWake, nil, nil) }
                if let held = self.heldHead {
                    // A big body: the caller reads it as a stream after all.
                    self.heldHead = nil
                    return (queueWake, nil, held)
                }
                let promise = task.eventLoop.makePromise(of: Void.self)
                paused = promise
                return (queueWake, promise, nil)
            }
            heldHead?.handOver()
            if queueWake { wakeReaderWhenQuiet(on: task.eventLoop, deferrals: 0) }
            return pause?.futureResult ?? task.eventLoop.makeSucceededVoidFuture()
        }

        func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
            var error = LLMError(transportError: error)
            let waitingForHead = lock.withLock { if case .waitingForHead = phase { true } else { false } }
            if error == .timeout(.idle), waitingForHead {
                error = .timeout(.firstByte)  // a client read timeout before the head
            }
            fail(error)
        }

        func didFinishRequest(task: HTTPClient.Task<Void>) throws {
            let stopped: ([Scheduled<Void>], HeldHead?)? = lock.withLock {
                guard case .streaming = phase else { return nil }
                phase = .finished
                defer { (heldHead, timers, idleTimer) = (nil, [], nil) }
                return (timers + [idleTimer].compactMap { $0 }, heldHead)
            }
            guard let (timers, heldHead) = stopped else { return }
            for timer in timers { timer.cancel() }
            heldHead?.handOver()
            resumeWaitingReader()
        }

        /// Wakes the waiting reader once AsyncHTTPClient has stopped handing over chunks.
        ///
        /// AsyncHTTPClient hands over the chunks of one socket read one at a time, in runs of up to 50 with
        /// an event-loop task between runs. The wake-up is a task behind them that queues itself again while
        /// chunks keep coming, up to `maxWakeDeferrals` times or `wakeBytes` buffered, so a reader is woken
        /// once per read (a few microseconds later) instead of once per run or per chunk.
        private func wakeReaderWhenQuiet(on eventLoop: any EventLoop, deferrals: Int) {
            eventLoop.execute {
                let deferAgain = self.lock.withLock {
                    let chunksKeepComing = self.unread.count > (self.unreadWhenWakeQueued ?? .max)
                    let busy = chunksKeepComing && deferrals < Self.maxWakeDeferrals && self.unreadBytes < Self.wakeBytes
                    self.unreadWhenWakeQueued = busy ? self.unread.count : nil
                    return busy
                }
                if deferAgain {
                    self.wakeReaderWhenQuiet(on: eventLoop, deferrals: deferrals + 1)
                } else {
                    self.resumeWaitingReader()
                }
            }
        }

        /// Gives the waiting reader, if any, what there is for it now: the chunks, the end or the failure.
        private func resumeWaitingReader() {
            let resumed: (UnsafeContinuation<Batch?, any Error>, Next)? = lock.withLock {
                guard let reader = waitingReader, let next = takeNext() else { return nil }
                waitingReader = nil
                return (reader, next)
            }
            guard let (reader, next) = resumed else { return }
            reader.resume(with: Result { try deliver(next) })
        }

        // MARK: The reader's side (in the reading task)

        /// Chunks, in order, handed to the reader in one go.
        typealias Batch = CircularBuffer<ByteBuffer>

        private enum Next {
            case chunks(Batch, resume: EventLoopPromise<Void>?)
            case end
            case failure(LLMError)
        }

        /// Every chunk that has arrived, at once; else waits for the event loop to deliver some. Nil at the end.
        /// Chunks that arrived before a failure are still delivered, then the failure is thrown.
        ///
        /// Taking them all under one lock keeps the reader off the lock the event loop takes per chunk
        /// (measured: taking one chunk per lock made the two threads contend on most chunks).
        func nextChunks() async throws(LLMError) -> Batch? {
            if Task.isCancelled {
                fail(.cancelled)
                throw .cancelled
            }
            if let next = lock.withLock({ takeNext() }) {
                return try deliver(next)
            }
            do {
                return try await withTaskCancellationHandler {
                    try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Batch?, any Error>) in
                        let next: Next? = lock.withLock {
                            if let next = takeNext() { return next }
                            waitingReader = continuation
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

        /// What the reader gets now, or nil if it must wait. Call with the lock held.
        private func takeNext() -> Next? {
            if !unread.isEmpty {
                var batch = Batch(initialCapacity: 16)
                swap(&batch, &unread)
                unreadBytes = 0
                defer { paused = nil }
                return .chunks(batch, resume: paused)
            }
            switch phase {
            case .finished: return .end
            case .failed(let error): return .failure(error)
            case .waitingForHead, .streaming: return nil
            }
        }

        private func deliver(_ next: Next) throws(LLMError) -> Batch? {
            switch next {
            case .chunks(let batch, let resume):
                resume?.succeed(())
                return batch
            case .end:
                return nil
            case .failure(let error):
                throw error
            }
        }
    }
}

extension AsyncHTTPClientTransport.Exchange: BatchedBodySource {
    func abandon() {
        fail(.cancelled)
    }
}
