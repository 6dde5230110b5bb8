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
/// Readers take turns: a task may await `response` while another iterates, and each event goes to one of them.
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
/// accumulator that makes the whole reply. Reads take turns: a second reader (a task awaiting `response` while another
/// iterates) waits for the first to finish its read, so the underlying stream is never asked twice at once.
final class ModelStreamState: @unchecked Sendable {
    /// Touched only by the reader whose turn it is.
    private var iterator: LLMEventStream.AsyncIterator
    private let state = NIOLockedValueBox(State())

    private struct State {
        var accumulator = StreamAccumulator()
        var ended = false
        var failure: (any Error)?
        var reading = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    init(_ events: LLMEventStream) {
        iterator = events.makeAsyncIterator()
    }

    func next() async throws -> StreamEvent? {
        await takeTurn()
        defer { endTurn() }
        let (ended, failure) = state.withLockedValue { ($0.ended, $0.failure) }
        if let failure { throw failure }
        if ended { return nil }
        do {
            guard let event = try await iterator.next() else {
                // A stream whose reader was cancelled ends early without an error: that is a cancellation, for every
                // later reader too, not a reply cut short.
                let cancelled = Task.isCancelled
                state.withLockedValue { state in
                    state.ended = true
                    if cancelled, !state.accumulator.isFinished { state.failure = LLMError.cancelled }
                }
                if cancelled { throw LLMError.cancelled }
                return nil
            }
            state.withLockedValue { $0.accumulator.consume(event) }
            return event
        } catch {
            state.withLockedValue { $0.failure = error }
            throw error
        }
    }

    func finalResponse() throws -> LLMResponse {
        try state.withLockedValue { state in
            if let failure = state.failure { throw failure }
            return try state.accumulator.response()
        }
    }

    private func takeTurn() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLockedValue { state -> Bool in
                guard state.reading else {
                    state.reading = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func endTurn() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.reading = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
