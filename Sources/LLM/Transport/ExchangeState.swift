import NIOCore

/// What both transports' exchanges keep under their lock: how far the request has got, and the body's chunks on
/// their way from the event loop to the task that reads them.
///
/// `Pause` is what a transport needs to let reading the socket go on after it stopped for an unread backlog.
struct ExchangeState<Pause> {
    /// Chunks, in order, handed to the reader in one go.
    typealias Batch = CircularBuffer<ByteBuffer>

    enum Phase {
        case waitingForHead(UnsafeContinuation<TransportResponse, any Error>?)
        case streaming
        case finished
        case failed(LLMError)

        var isRunning: Bool {
            switch self {
            case .waitingForHead, .streaming: true
            case .finished, .failed: false
            }
        }
    }

    /// A response that arrived but is not yet handed to the task awaiting `send`
    /// (for a request that ``TransportRequest/readsWholeBody``).
    struct HeldHead {
        let continuation: UnsafeContinuation<TransportResponse, any Error>
        let response: TransportResponse

        func handOver() { continuation.resume(returning: response) }
    }

    /// What the reader gets next.
    enum Next {
        case chunks(Batch, resume: Pause?)
        case end
        case failure(LLMError)
    }

    var phase = Phase.waitingForHead(nil)
    var unread = Batch()
    var unreadBytes = 0
    var waitingReader: UnsafeContinuation<Batch?, any Error>?
    var heldHead: HeldHead?
    /// Set while reading the socket waits for the reader to take what is unread.
    var paused: Pause?

    var isWaitingForHead: Bool {
        if case .waitingForHead = phase { true } else { false }
    }

    var isStreaming: Bool {
        if case .streaming = phase { true } else { false }
    }

    /// What ending an exchange with a failure takes from it, to resume outside the lock.
    struct Failure {
        /// The task awaiting `send`, if the head had not come.
        let head: UnsafeContinuation<TransportResponse, any Error>?
        let heldHead: HeldHead?
        let paused: Pause?
    }

    /// Ends the exchange with `error`, or returns nil if it has already ended. The reader gets the unread chunks
    /// first, then the error.
    mutating func fail(with error: LLMError) -> Failure? {
        var head: UnsafeContinuation<TransportResponse, any Error>?
        switch phase {
        case .finished, .failed: return nil
        case .waitingForHead(let continuation): head = continuation
        case .streaming: break
        }
        phase = .failed(error)
        defer { (heldHead, paused) = (nil, nil) }
        return Failure(head: head, heldHead: heldHead, paused: paused)
    }

    mutating func append(_ chunk: ByteBuffer) {
        unread.append(chunk)
        unreadBytes += chunk.readableBytes
    }

    /// What the reader gets now, or nil if it must wait: every unread chunk (and the pause they end, if any),
    /// else the end or the failure.
    mutating func takeNext() -> Next? {
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
}
