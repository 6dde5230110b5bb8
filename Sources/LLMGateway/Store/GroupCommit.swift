import NIOConcurrencyHelpers

/// The admissions and settlements that arrive while a store is busy wait for its next round, and each round is one
/// transaction for all of them: a request costs the store a share of a few statements instead of a few statements of
/// its own (each one a trip to the database's thread or over the network, which the profile showed as the gateway's
/// cost). An idle store starts a round at once, so nothing waits for a timer; under load, rounds follow each other and
/// grow with the load.
///
/// A round settles first (what it frees counts for the admissions after it), then decides its admissions in the order
/// they came, each against the sums read inside the transaction plus what the round has admitted before it. Every
/// caller of a round gets its error if the round fails.
final class GroupCommit: Sendable {
    /// A round's largest size, which bounds the statements' lengths and parameters.
    static let largestRound = 256

    private enum Waiter {
        case admission(Admission, CheckedContinuation<AdmissionDecision, any Error>)
        case settlement(LedgerRow, CheckedContinuation<Void, any Error>)
    }

    private struct Queue {
        var waiting: [Waiter] = []
        var running = false
    }

    private let queue = NIOLockedValueBox(Queue())

    /// How many callers wait for the next round.
    var waiting: Int { queue.withLockedValue { $0.waiting.count } }

    /// Decides `admission` in `store`'s next round (a store passes itself: a closure kept here to call it back
    /// cost a chain of reabstraction thunks at every round, which the profile showed above SQLite itself).
    func admit(_ admission: Admission, in store: any GroupCommitStore) async throws -> AdmissionDecision {
        try await withCheckedThrowingContinuation { enqueue(.admission(admission, $0), store: store) }
    }

    func settle(_ row: LedgerRow, in store: any GroupCommitStore) async throws {
        try await withCheckedThrowingContinuation { enqueue(.settlement(row, $0), store: store) }
    }

    private func enqueue(_ waiter: Waiter, store: any GroupCommitStore) {
        let start = queue.withLockedValue { queue in
            queue.waiting.append(waiter)
            guard !queue.running else { return false }
            queue.running = true
            return true
        }
        if start { Task { await self.drain(store) } }
    }

    /// Runs rounds until nobody waits.
    private func drain(_ store: any GroupCommitStore) async {
        while let waiters = next() {
            var settlements: [LedgerRow] = []
            var admissions: [Admission] = []
            for waiter in waiters {
                switch waiter {
                case .admission(let admission, _): admissions.append(admission)
                case .settlement(let row, _): settlements.append(row)
                }
            }
            do {
                let decisions = try await store.round(settlements: settlements, admissions: admissions)
                precondition(decisions.count == admissions.count, "a round decides each of its admissions")
                var next = decisions.makeIterator()
                for waiter in waiters {
                    switch waiter {
                    case .admission(_, let continuation): continuation.resume(returning: next.next()!)
                    case .settlement(_, let continuation): continuation.resume()
                    }
                }
            } catch {
                for waiter in waiters {
                    switch waiter {
                    case .admission(_, let continuation): continuation.resume(throwing: error)
                    case .settlement(_, let continuation): continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    /// The next round's waiters (at most ``largestRound``), or nil when nobody waits (and the next caller starts a
    /// round).
    private func next() -> [Waiter]? {
        queue.withLockedValue { queue in
            guard !queue.waiting.isEmpty else {
                queue.running = false
                return nil
            }
            let taken = Array(queue.waiting.prefix(Self.largestRound))
            queue.waiting.removeFirst(taken.count)
            return taken
        }
    }
}

/// A store that runs rounds of the group commit.
protocol GroupCommitStore: AnyObject, Sendable {
    /// One round, in one transaction: write `settlements`, then decide `admissions` (one decision each, in order).
    func round(settlements: [LedgerRow], admissions: [Admission]) async throws -> [AdmissionDecision]
}
