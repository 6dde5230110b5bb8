/// The stream of events of one reply: an `AsyncSequence` of ``StreamEvent``s, to iterate once, in one task: making
/// a second iterator of a provider's stream stops the program with a message (two readers would each get some of
/// the events).
///
/// Build one as you would an `AsyncThrowingStream` (`LLMEventStream { continuation in … }`,
/// ``makeStream(bufferingPolicy:)``, ``init(unfolding:)``), or wrap an existing one with ``init(_:)``.
///
/// The library's providers decode the reply in the task that iterates, and their streams call that
/// decoder directly: an `AsyncThrowingStream(unfolding:)` in between cost about 0.7 µs per event
/// (a lock and a cancellation handler each time), as much as parsing the event's JSON.
public struct LLMEventStream: AsyncSequence, Sendable {
    public typealias Element = StreamEvent
    public typealias Failure = any Error
    /// Feeds a stream built with ``init(bufferingPolicy:_:)`` or ``makeStream(bufferingPolicy:)``.
    public typealias Continuation = AsyncThrowingStream<StreamEvent, any Error>.Continuation

    private enum Source: Sendable {
        case stream(AsyncThrowingStream<StreamEvent, any Error>)
        case puller(any StreamEventPuller)
    }

    private let source: Source
    /// A library stream decodes its reply for one reader only.
    private let iteration: SoleIteration?

    /// Wraps an `AsyncThrowingStream` of events.
    public init(_ stream: AsyncThrowingStream<StreamEvent, any Error>) {
        source = .stream(stream)
        iteration = nil
    }

    /// A stream fed through a continuation, as `AsyncThrowingStream.init(_:bufferingPolicy:_:)`.
    public init(bufferingPolicy: Continuation.BufferingPolicy = .unbounded, _ build: (Continuation) -> Void) {
        self.init(AsyncThrowingStream(StreamEvent.self, bufferingPolicy: bufferingPolicy, build))
    }

    /// A stream whose every element `produce` returns, as `AsyncThrowingStream(unfolding:)` (which it uses).
    public init(unfolding produce: @escaping @Sendable () async throws -> StreamEvent?) {
        self.init(AsyncThrowingStream(unfolding: produce))
    }

    /// A stream and the continuation that feeds it.
    public static func makeStream(
        bufferingPolicy: Continuation.BufferingPolicy = .unbounded
    ) -> (stream: LLMEventStream, continuation: Continuation) {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: StreamEvent.self, bufferingPolicy: bufferingPolicy)
        return (LLMEventStream(stream), continuation)
    }

    /// A stream whose iterator calls `puller` directly, in the iterating task.
    package init(puller: any StreamEventPuller) {
        source = .puller(puller)
        iteration = SoleIteration(of: "An LLMEventStream")
    }

    /// - Precondition: for a stream from a provider, called once: a second reader is a programming error.
    public func makeAsyncIterator() -> AsyncIterator {
        iteration?.claim()
        switch source {
        case .stream(let stream): return AsyncIterator(base: .stream(stream.makeAsyncIterator()))
        case .puller(let puller): return AsyncIterator(base: .puller(puller))
        }
    }

    /// Iterates an ``LLMEventStream``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = StreamEvent
        public typealias Failure = any Error

        enum Base {
            case stream(AsyncThrowingStream<StreamEvent, any Error>.AsyncIterator)
            case puller(any StreamEventPuller)
        }

        private var base: Base
        /// The events a library stream handed over in one go (all it had decoded), read from `batchIndex` on.
        /// Most calls of `next` return one of them without calling anything: per event, a call into the
        /// stream's source cost two more async frames and its state's runtime exclusivity checks.
        @usableFromInline var batch: [StreamEvent] = []
        @usableFromInline var batchIndex = 0

        init(base: Base) {
            self.base = base
        }

        /// The next event, or nil at the end. A loop cancelled between events ends, as when it waits.
        @inlinable
        public mutating func next() async throws -> StreamEvent? {
            if batchIndex < batch.count, !Task.isCancelled {
                defer { batchIndex &+= 1 }
                return batch[batchIndex]
            }
            return try await nextFromSource()
        }

        /// Appends every event this iterator holds to `batch`, pulling its source first when it holds none; appends
        /// nothing at the end. For a consumer that handles events a batch at a time (the gateway writes each batch to
        /// its client in one go): all that one read of the source decoded, in one call.
        package mutating func next(into batch: inout [StreamEvent]) async throws {
            if batchIndex < self.batch.count, !Task.isCancelled {
                batch.append(contentsOf: self.batch[batchIndex...])
                batchIndex = self.batch.count
                return
            }
            // A puller hands its events straight to the caller's batch: streams wrap streams (the gateway's router,
            // the call's observer, the retries), and the layer between each (this frame, `nextFromSource`'s) stays
            // on the reading task's stack of frames for the stream's life.
            if case .puller(let puller) = base, batch.isEmpty {
                self.batch.removeAllKeepingCapacity()
                batchIndex = 0
                try await puller.next(into: &batch)
                return
            }
            try await nextFromSource(appendingTo: &batch)
        }

        @inline(never)
        private mutating func nextFromSource(appendingTo batch: inout [StreamEvent]) async throws {
            guard let first = try await nextFromSource() else { return }
            batch.append(first)
            batch.append(contentsOf: self.batch[batchIndex...])
            batchIndex = self.batch.count
        }

        @usableFromInline
        mutating func nextFromSource() async throws -> StreamEvent? {
            switch base {
            case .puller(let puller):
                batch.removeAllKeepingCapacity()
                batchIndex = 0
                try await puller.next(into: &batch)
                guard !batch.isEmpty else { return nil }
                batchIndex = 1
                return batch[0]
            case .stream(var iterator):
                defer { base = .stream(iterator) }
                return try await iterator.next()
            }
        }
    }
}

/// The source of a library stream, pulled by the one task iterating it, one `next()` at a time. Releasing
/// it before the end must cancel whatever it reads.
package protocol StreamEventPuller: AnyObject, Sendable {
    /// Hands over the next events, in order: at least one, none at the end. `batch` is empty when called; the
    /// puller may append to it or swap its own array in.
    func next(into batch: inout [StreamEvent]) async throws
}
