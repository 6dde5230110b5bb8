import NIOCore

/// A transport's exchange as its body's reader sees it: it hands over every chunk that has arrived at once.
protocol BatchedBodySource: AnyObject, Sendable {
    /// Every chunk that has arrived, in order; waits when there is none yet. Nil at the end. Chunks that arrived
    /// before a failure are delivered first, then the failure is thrown.
    func nextChunks() async throws(LLMError) -> CircularBuffer<ByteBuffer>?

    /// The reader is gone before the end: the exchange stops and closes its connection.
    func abandon()
}

/// The reading end of an exchange's body: it takes the chunks in batches and returns them one by one, so the
/// exchange's lock is taken once per batch. Dropping it before the body ends abandons the exchange.
///
/// `@unchecked Sendable`: `batch` is touched only by the one task iterating the body.
final class BatchedBodyReader<Source: BatchedBodySource>: TransportBodyReader, @unchecked Sendable {
    private let source: Source
    /// Chunks taken from the exchange and not yet returned.
    private var batch = CircularBuffer<ByteBuffer>()

    init(source: Source) {
        self.source = source
    }

    func next() async throws(LLMError) -> ByteBuffer? {
        if let chunk = batch.popFirst() {
            guard !Task.isCancelled else {
                source.abandon()
                throw .cancelled
            }
            return chunk
        }
        guard let taken = try await source.nextChunks() else { return nil }
        batch = taken
        return batch.popFirst()
    }

    /// A chunk of the batch already taken; the exchange's lock is not touched.
    func nextIfBuffered() -> ByteBuffer? {
        guard !batch.isEmpty, !Task.isCancelled else { return nil }
        return batch.popFirst()
    }

    deinit {
        source.abandon()
    }
}
