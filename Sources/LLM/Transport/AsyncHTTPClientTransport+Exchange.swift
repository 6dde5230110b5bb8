import AsyncHTTPClient
import Logging
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

        private let timeouts: HTTPTimeouts
        private let holdsHeadForBody: Bool
        /// Guards `state` and every variable below. The pause is a promise AsyncHTTPClient waits on while
        /// `state.unread` is full, completed when the reader has caught up.
        let lock = NIOLock()
        var state = ExchangeState<EventLoopPromise<Void>>()
        /// While a wake-up of the waiting reader is queued (see `wakeReaderWhenQuiet`): how many chunks were
        /// unread when it was last (re)queued. A waiting reader takes none, so more means more came since.
        private var unreadWhenWakeQueued: Int?
        private var task: HTTPClient.Task<Void>?
        /// The first-byte and total timers, and the idle timer (re-armed in place, see `armIdleTimer`).
        private var timers: [Scheduled<Void>] = []
        private var idleTimer: Scheduled<Void>?
        private var lastChunk = NIODeadline.now()

        private typealias HeldHead = ExchangeState<EventLoopPromise<Void>>.HeldHead

        init(timeouts: HTTPTimeouts, holdsHeadForBody: Bool) {
            self.timeouts = timeouts
            self.holdsHeadForBody = holdsHeadForBody
        }

        // MARK: Starting and stopping

        /// Sends the request; `head` is resumed with the response (or the error) once the head arrives.
        func start(
            _ request: HTTPClient.Request, on client: HTTPClient, logger: Logger, head: UnsafeContinuation<TransportResponse, any Error>
        ) {
            guard startWaitingForHead(head) else { return }
            let started = NIODeadline.now()
            let task = client.execute(request: request, delegate: self, eventLoop: .indifferent, logger: logger)
            let timers = requestTimers(timeouts, from: started, on: task.eventLoop)
            let stillRunning = lock.withLock {
                self.task = task
                self.timers += timers
                return state.phase.isRunning
            }
            if !stillRunning {
                task.cancel()
                for timer in timers { timer.cancel() }
            }
        }

        /// Ends the exchange with `error` unless it has already ended: the awaiting `send` gets the error (or a
        /// held response, whose reader then gets it), so does a waiting reader, and the request is cancelled.
        func fail(_ error: LLMError) {
            let taken = lock.withLock { () -> (ExchangeState<EventLoopPromise<Void>>.Failure, HTTPClient.Task<Void>?, [Scheduled<Void>])? in
                guard let failure = state.fail(with: error) else { return nil }
                defer { (timers, idleTimer) = ([], nil) }
                return (failure, task, timers + [idleTimer].compactMap { $0 })
            }
            guard let (failure, task, timers) = taken else { return }
            failure.head?.resume(throwing: error)
            // A held response is handed over as it is: its reader gets the chunks, then this error.
            failure.heldHead?.handOver()
            resumeWaitingReader()
            failure.paused?.succeed(())
            for timer in timers { timer.cancel() }
            task?.cancel()
        }

        // MARK: Timers

        /// Chunks move the idle deadline; rather than rescheduling per chunk, the timer re-reads it when it fires.
        private func armIdleTimer(on eventLoop: any EventLoop) {
            guard let idle = timeouts.idle.map(TimeAmount.init) else { return }
            let deadline: NIODeadline? = lock.withLock {
                guard state.isStreaming else { return nil }
                return lastChunk + idle
            }
            guard let deadline else { return }
            let timer = eventLoop.scheduleTask(deadline: deadline) {
                let expired: Bool? = self.lock.withLock {
                    guard self.state.isStreaming else { return nil }
                    return NIODeadline.now() >= self.lastChunk + idle
                }
                switch expired {
                case true?: self.fail(.timeout(.idle))
                case false?: self.armIdleTimer(on: eventLoop)
                case nil: break
                }
            }
            let stale: Scheduled<Void>? = lock.withLock {
                guard state.isStreaming else { return timer }
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
                guard case .waitingForHead(let continuation?) = state.phase else { return (false, nil) }
                state.phase = .streaming
                lastChunk = .now()
                if holdsHeadForBody {
                    state.heldHead = HeldHead(continuation: continuation, response: response)
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
                guard state.isStreaming else { return (false, nil, nil) }
                lastChunk = .now()
                state.append(buffer)
                let queueWake = state.waitingReader != nil && unreadWhenWakeQueued == nil
                if queueWake { unreadWhenWakeQueued = state.unread.count }
                guard state.unreadBytes >= Self.pauseBytes else { return (queueWake, nil, nil) }
                if let held = state.heldHead {
                    // A big body: the caller reads it as a stream after all.
                    state.heldHead = nil
                    return (queueWake, nil, held)
                }
                let promise = task.eventLoop.makePromise(of: Void.self)
                state.paused = promise
                return (queueWake, promise, nil)
            }
            heldHead?.handOver()
            if queueWake { wakeReaderWhenQuiet(on: task.eventLoop, deferrals: 0) }
            return pause?.futureResult ?? task.eventLoop.makeSucceededVoidFuture()
        }

        func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
            var error = LLMError(transportError: error)
            let waitingForHead = lock.withLock { state.isWaitingForHead }
            if error == .timeout(.idle), waitingForHead {
                error = .timeout(.firstByte)  // a client read timeout before the head
            }
            fail(error)
        }

        func didFinishRequest(task: HTTPClient.Task<Void>) throws {
            let stopped: ([Scheduled<Void>], HeldHead?)? = lock.withLock {
                guard state.isStreaming else { return nil }
                state.phase = .finished
                defer { (state.heldHead, timers, idleTimer) = (nil, [], nil) }
                return (timers + [idleTimer].compactMap { $0 }, state.heldHead)
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
                    let chunksKeepComing = self.state.unread.count > (self.unreadWhenWakeQueued ?? .max)
                    let busy = chunksKeepComing && deferrals < Self.maxWakeDeferrals && self.state.unreadBytes < Self.wakeBytes
                    self.unreadWhenWakeQueued = busy ? self.state.unread.count : nil
                    return busy
                }
                if deferAgain {
                    self.wakeReaderWhenQuiet(on: eventLoop, deferrals: deferrals + 1)
                } else {
                    self.resumeWaitingReader()
                }
            }
        }
    }
}

extension AsyncHTTPClientTransport.Exchange: StreamingExchange {
    func resumeReading(_ pause: EventLoopPromise<Void>) {
        pause.succeed(())
    }
}
