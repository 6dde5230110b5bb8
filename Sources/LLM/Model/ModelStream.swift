import NIOConcurrencyHelpers

/// A reply as it is generated, read in one pass over the network: iterate it for the typed events, or
/// ``textStream`` for the text alone, and await ``response`` for the whole reply (usage, tool calls, stop reason)
/// once the stream has ended. ``response`` reads what nobody read yet, so it also works without iterating.
///
/// ```swift
/// let stream = model.stream("Tell me a story")
/// for try await piece in stream.textStream { print(piece, terminator: "") }
/// print(try await stream.response.usage)
/// ```
///
/// One reader at a time: iterating the events and the text together, or twice, is a programming error.
public struct ModelStream: AsyncSequence, Sendable {
    public typealias Element = StreamEvent

    private let state: ModelStreamState

    public init(_ events: LLMEventStream) {
        state = ModelStreamState(events)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(state: state)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let state: ModelStreamState

        public mutating func next() async throws -> StreamEvent? {
            try await state.next()
        }
    }

    /// The text pieces of the reply, in order.
    public var textStream: AsyncThrowingCompactMapSequence<ModelStream, String> {
        compactMap { event in
            if case .textDelta(let text, _) = event { return text }
            return nil
        }
    }

    /// The whole reply: once the events have all been read, or after reading the rest here.
    ///
    /// - Throws: the stream's error, as iterating it would.
    public var response: LLMResponse {
        get async throws {
            while try await state.next() != nil {}
            return try state.finalResponse()
        }
    }
}

/// The one pass over a stream that a ``ModelStream`` and its views share: each event read is also kept in the
/// accumulator that makes the whole reply.
final class ModelStreamState: @unchecked Sendable {
    private var iterator: LLMEventStream.AsyncIterator
    private let accumulated = NIOLockedValueBox(Accumulated())

    private struct Accumulated {
        var accumulator = StreamAccumulator()
        var ended = false
        var failure: (any Error)?
    }

    init(_ events: LLMEventStream) {
        iterator = events.makeAsyncIterator()
    }

    func next() async throws -> StreamEvent? {
        let (ended, failure) = accumulated.withLockedValue { ($0.ended, $0.failure) }
        if let failure { throw failure }
        if ended { return nil }
        do {
            guard let event = try await iterator.next() else {
                accumulated.withLockedValue { $0.ended = true }
                return nil
            }
            accumulated.withLockedValue { $0.accumulator.consume(event) }
            return event
        } catch {
            accumulated.withLockedValue { $0.failure = error }
            throw error
        }
    }

    func finalResponse() throws -> LLMResponse {
        try accumulated.withLockedValue { state in
            if let failure = state.failure { throw failure }
            return try state.accumulator.response()
        }
    }
}
