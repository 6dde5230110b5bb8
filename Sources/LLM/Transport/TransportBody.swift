import NIOCore

/// The body of a ``TransportResponse``: an asynchronous sequence of byte chunks.
///
/// Iterate it once, in one task: making a second iterator of a transport's body stops the program with a message
/// (two readers would each get some of the chunks). Iterating throws ``LLMError`` only: a timeout or a broken connection while
/// the body streams, or `.cancelled` when the iterating task was cancelled. For a body from the
/// library's transports (``NIOHTTPTransport``, ``AsyncHTTPClientTransport``), cancelling the task that
/// iterates, or dropping the body unread, cancels the request and closes its connection.
public struct TransportBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    /// Where the chunks come from: a stream or a list (fakes, tests), or a transport's reader pulled directly.
    private enum Source: Sendable {
        case stream(AsyncThrowingStream<ByteBuffer, any Error>)
        case chunks([ByteBuffer])
        case reader(any TransportBodyReader)
    }

    private let source: Source
    /// A transport's reader hands each chunk to one reader only.
    private let iteration: SoleIteration?

    /// Wraps a stream of chunks, e.g. in a fake transport or a test.
    ///
    /// Errors the stream throws reach the reader as ``LLMError``s: `LLMError` as is,
    /// `CancellationError` as `.cancelled`, anything else as `.network`.
    public init(_ chunks: AsyncThrowingStream<ByteBuffer, any Error>) {
        source = .stream(chunks)
        iteration = nil
    }

    /// A body the iterating task pulls straight from the transport, with no task in between.
    init(reader: any TransportBodyReader) {
        source = .reader(reader)
        iteration = SoleIteration(of: "A TransportBody")
    }

    /// A body made of the given chunks, delivered at once. Iterating it in a cancelled task throws `.cancelled`.
    public init(chunks: [ByteBuffer]) {
        source = .chunks(chunks)
        iteration = nil
    }

    /// An empty body.
    public static var empty: TransportBody { TransportBody(chunks: []) }

    /// - Precondition: for a body from a transport, called once: a second reader is a programming error.
    public func makeAsyncIterator() -> AsyncIterator {
        iteration?.claim()
        switch source {
        case .stream(let chunks): return AsyncIterator(base: .stream(chunks.makeAsyncIterator()))
        case .chunks(let chunks): return AsyncIterator(base: .chunks(chunks.makeIterator()))
        case .reader(let reader): return AsyncIterator(base: .reader(reader))
        }
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

        enum Base {
            case stream(AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator)
            case chunks(IndexingIterator<[ByteBuffer]>)
            case reader(any TransportBodyReader)
        }

        private var base: Base

        init(base: Base) {
            self.base = base
        }

        /// The next chunk if it is already at hand (buffered by the transport, or in a list), without waiting;
        /// nil when reading on would wait, at the end, or in a cancelled task (`next()` then tells which).
        mutating func nextIfBuffered() -> ByteBuffer? {
            switch base {
            case .reader(let reader):
                return reader.nextIfBuffered()
            case .chunks(var chunks):
                if Task.isCancelled { return nil }
                defer { base = .chunks(chunks) }
                return chunks.next()
            case .stream:
                return nil
            }
        }

        public mutating func next() async throws -> ByteBuffer? {
            switch base {
            case .reader(let reader): return try await reader.next()
            case .chunks(var chunks):
                if Task.isCancelled { throw LLMError.cancelled }
                defer { base = .chunks(chunks) }
                return chunks.next()
            case .stream(let stream): return try await next(from: stream)
            }
        }

        /// Never inlined: a library stream's reader waits in `next()` for as long as its upstream is silent, and
        /// its task keeps the largest frames it ever needed; this case's would make every reader's frame bigger.
        @inline(never)
        private mutating func next(from iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator) async throws -> ByteBuffer? {
            var streamIterator = iterator
            let chunk: ByteBuffer?
            do {
                defer { base = .stream(streamIterator) }
                chunk = try await streamIterator.next()
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

/// A transport's own body source, read by one task at a time (the one iterating the ``TransportBody``).
/// Releasing it before the body ends must cancel the request.
protocol TransportBodyReader: AnyObject, Sendable {
    /// The next chunk, nil at the end; throws ``LLMError`` only (`.cancelled` in a cancelled task).
    func next() async throws(LLMError) -> ByteBuffer?

    /// The next chunk if one has already arrived, else nil (also in a cancelled task); never waits.
    func nextIfBuffered() -> ByteBuffer?
}
