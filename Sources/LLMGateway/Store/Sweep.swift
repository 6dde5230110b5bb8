import NIOConcurrencyHelpers

/// When a store last deleted expired reservations: doing it at every admission cost a statement each, and the sums
/// leave expired ones out anyway.
final class Sweep: Sendable {
    private let last = NIOLockedValueBox(0)
    /// Milliseconds between two sweeps.
    let interval: Int

    init(interval: Int = 1000) {
        self.interval = interval
    }

    /// Whether a sweep is due at `now` (milliseconds); if so, it counts as done.
    func due(now: Int) -> Bool {
        last.withLockedValue { last in
            guard now - last >= interval else { return false }
            last = now
            return true
        }
    }
}
