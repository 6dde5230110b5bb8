import NIOCore

/// The body of a ``TransportResponse``: an asynchronous sequence of byte chunks.
///
/// Iterate it once. Iterating throws ``LLMError`` only: a timeout or a broken connection while
/// the body streams, or `.cancelled` when the iterating task was cancelled. For a body from
/// ``AsyncHTTPClientTransport``, cancelling the task that iterates, or dropping the body unread,
/// cancels the request and closes its connection.
public struct TransportBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    private let chunks: AsyncThrowingStream<ByteBuffer, any Error>

    /// Wraps a stream of chunks, e.g. in a fake transport or a test.
    ///
    /// Errors the stream throws reach the reader as ``LLMError``s: `LLMError` as is,
    /// `CancellationError` as `.cancelled`, anything else as `.network`.
    public init(_ chunks: AsyncThrowingStream<ByteBuffer, any Error>) {
        self.chunks = chunks
    }

    /// A body made of the given chunks, delivered at once.
    public init(chunks: [ByteBuffer]) {
        self.init(AsyncThrowingStream { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        })
    }

    /// An empty body.
    public static var empty: TransportBody { TransportBody(chunks: []) }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: chunks.makeAsyncIterator())
    }

    /// Reads the whole body into one buffer.
    ///
    /// - Throws: `LLMError.malformedResponse` when the body is longer than `maxBytes`, and the
    ///   errors of iteration.
    public func collect(upTo maxBytes: Int) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        for try await var chunk in self {
            guard collected.readableBytes + chunk.readableBytes <= maxBytes else {
                throw LLMError.malformedResponse(reason: "response body is longer than \(maxBytes) bytes", raw: "")
            }
            collected.writeBuffer(&chunk)
        }
        return collected
    }

    /// Iterates the chunks of a ``TransportBody``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = ByteBuffer
        public typealias Failure = any Error

        private var base: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator

        init(base: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator) {
            self.base = base
        }

        public mutating func next() async throws -> ByteBuffer? {
            let chunk: ByteBuffer?
            do {
                chunk = try await base.next()
            } catch {
                throw LLMError(transportError: error)
            }
            // A stream ends silently when its reader is cancelled; say so instead, so a
            // cancelled read is never mistaken for a complete body.
            if chunk == nil, Task.isCancelled { throw LLMError.cancelled }
            return chunk
        }
    }
}
