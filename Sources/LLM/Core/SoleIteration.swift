import NIOConcurrencyHelpers

/// Makes a second iterator of a one-reader sequence a programming error that stops the program with a message,
/// as AsyncHTTPClient's bodies do, rather than two readers racing for the same bytes or events in silence.
/// Shared by every copy of the sequence.
final class SoleIteration: Sendable {
    private let started = NIOLockedValueBox(false)
    private let what: StaticString

    init(of what: StaticString) {
        self.what = what
    }

    /// Call from `makeAsyncIterator()`: the first call passes, any later one traps.
    func claim() {
        let first = started.withLockedValue { started in
            defer { started = true }
            return !started
        }
        precondition(first, "\(what) can be iterated only once, by one reader: a second iterator was made")
    }
}
