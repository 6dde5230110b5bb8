import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore

extension AsyncHTTPClientTransport {
    /// One request in flight: a driver task runs the AsyncHTTPClient request and a watchdog,
    /// hands the head to `send`, and pumps the body into a stream the caller reads.
    final class Exchange: Sendable {
        private let client: HTTPClient
        private let request: HTTPClientRequest
        private let timeouts: HTTPTimeouts
        private let sink: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
        /// Written once per chunk (the hot path), read by the watchdog when it wakes.
        private let activity: NIOLockedValueBox<Activity>
        private let control: NIOLockedValueBox<Control>

        struct Activity {
            var headArrived = false
            var lastChunk: ContinuousClock.Instant
        }

        struct Control {
            var head: CheckedContinuation<TransportResponse, any Error>?
            /// The reader's end of the body, held only until the head is delivered: once the
            /// caller drops it unread, the stream terminates and the request is cancelled.
            var chunks: AsyncThrowingStream<ByteBuffer, any Error>?
            var driver: Task<Void, Never>?
            var cancelled = false
        }

        init(client: HTTPClient, request: HTTPClientRequest, timeouts: HTTPTimeouts) {
            self.client = client
            self.request = request
            self.timeouts = timeouts
            let (chunks, sink) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
            self.sink = sink
            activity = NIOLockedValueBox(Activity(lastChunk: .now))
            let control = NIOLockedValueBox(Control(chunks: chunks))
            self.control = control
            // The reader was cancelled or dropped the body unread: stop the request. (A stream
            // the driver finished ends as `.finished`.) Captures only `control`, so the stream
            // does not keep the exchange alive.
            sink.onTermination = { termination in
                if case .cancelled = termination { Self.cancel(control) }
            }
        }

        func start(delivering head: CheckedContinuation<TransportResponse, any Error>) {
            // Store the continuation before the driver can deliver to it.
            control.withLockedValue { $0.head = head }
            let driver = Task { await self.run() }
            let cancelledEarly = control.withLockedValue { state in
                state.driver = driver
                return state.cancelled
            }
            if cancelledEarly { driver.cancel() }
        }

        func cancel() {
            Self.cancel(control)
        }

        private static func cancel(_ control: NIOLockedValueBox<Control>) {
            let driver = control.withLockedValue { state in
                state.cancelled = true
                return state.driver
            }
            driver?.cancel()
        }

        // MARK: Driver

        /// Runs the request in two phases.
        ///
        /// Until the head arrives, AsyncHTTPClient's own request deadline enforces the first-byte
        /// (or total) limit; it cancels the request when it passes, and it reports a connection
        /// error seen while waiting (e.g. "refused") rather than a bare timeout. After the head, a
        /// task group runs the body pump beside one watchdog for the idle and total limits.
        private func run() async {
            let start = ContinuousClock.now
            let headLimit = headDeadline()
            do {
                let response: HTTPClientResponse
                do {
                    response = try await client.execute(request, deadline: headLimit.deadline)
                } catch let error as HTTPClientError where error == .deadlineExceeded {
                    throw LLMError.timeout(headLimit.kind)
                }
                deliverHead(of: response)
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        try await self.pump(response.body)
                        return true
                    }
                    if self.timeouts.idle != nil || self.timeouts.total != nil {
                        group.addTask {
                            try await self.watch(since: start)
                            return false
                        }
                    }
                    // Returning cancels the watchdog; a thrown timeout cancels the pump, which
                    // cancels the AsyncHTTPClient request and closes its connection.
                    while let pumpFinished = try await group.next() {
                        if pumpFinished { return }
                    }
                }
            } catch {
                fail(Task.isCancelled ? .cancelled : LLMError(transportError: error))
            }
        }

        /// The nearer of the first-byte and total limits, as a deadline for AsyncHTTPClient.
        private func headDeadline() -> (deadline: NIODeadline, kind: TimeoutKind) {
            let now = NIODeadline.now()
            switch (timeouts.firstByte, timeouts.total) {
            case (let firstByte?, let total?):
                return firstByte <= total ? (now + TimeAmount(firstByte), .firstByte) : (now + TimeAmount(total), .total)
            case (let firstByte?, nil):
                return (now + TimeAmount(firstByte), .firstByte)
            case (nil, let total?):
                return (now + TimeAmount(total), .total)
            case (nil, nil):
                return (.distantFuture, .firstByte)
            }
        }

        /// Hands the head to `send`, with the stream of the body.
        ///
        /// A function of its own so that no local keeps the stream alive afterwards: the caller's
        /// copy must be the last one, so that dropping it terminates the stream.
        private func deliverHead(of response: HTTPClientResponse) {
            let arrival = ContinuousClock.now
            activity.withLockedValue { $0 = Activity(headArrived: true, lastChunk: arrival) }
            let (head, chunks) = control.withLockedValue { state in
                defer { (state.head, state.chunks) = (nil, nil) }
                return (state.head, state.chunks)
            }
            guard let head, let chunks else { return }
            head.resume(
                returning: TransportResponse(
                    status: Int(response.status.code),
                    headers: response.headers,
                    body: TransportBody(chunks)
                )
            )
        }

        /// Forwards each body chunk to the stream: the hot path, one timestamp and one yield.
        private func pump(_ body: HTTPClientResponse.Body) async throws {
            for try await chunk in body {
                let now = ContinuousClock.now
                activity.withLockedValue { $0.lastChunk = now }
                sink.yield(chunk)
            }
            sink.finish()
        }

        /// Sleeps until the nearer of the idle and total deadlines and throws once one has passed.
        /// Chunks move the idle deadline, so it re-reads it on every wake-up instead of being
        /// rescheduled per chunk.
        private func watch(since start: ContinuousClock.Instant) async throws {
            let totalDeadline = timeouts.total.map { start + $0 }
            while true {
                let lastChunk = activity.withLockedValue { $0.lastChunk }
                var deadline = totalDeadline
                var kind = TimeoutKind.total
                if let idle = timeouts.idle, deadline.map({ lastChunk + idle < $0 }) ?? true {
                    deadline = lastChunk + idle
                    kind = .idle
                }
                guard let deadline else { return }
                if ContinuousClock.now >= deadline {
                    throw LLMError.timeout(kind)
                }
                try await Task.sleep(until: deadline, clock: .continuous)
            }
        }

        private func fail(_ error: LLMError) {
            var error = error
            let headArrived = activity.withLockedValue { $0.headArrived }
            if error == .timeout(.idle), !headArrived {
                error = .timeout(.firstByte)  // a client read timeout before the head
            }
            // Take the stream out too, but release it only outside the lock: releasing the last
            // reference terminates it, and `onTermination` takes the same lock.
            let (head, unreadChunks) = control.withLockedValue { state in
                defer { (state.head, state.chunks) = (nil, nil) }
                return (state.head, state.chunks)
            }
            head?.resume(throwing: error)
            _ = consume unreadChunks
            sink.finish(throwing: error)
        }
    }
}
