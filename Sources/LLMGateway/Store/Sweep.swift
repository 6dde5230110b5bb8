import NIOConcurrencyHelpers

/// When a store last did a chore that need not come with every round: deleting expired reservations (at every
/// admission it cost a statement each, and the sums leave expired ones out anyway), or vacuuming them on PostgreSQL.
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
