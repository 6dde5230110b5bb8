import NIOConcurrencyHelpers

/// The admissions and settlements that arrive while a store is busy wait for its next round, and each round is one
/// transaction for all of them: a request costs the store a share of a few statements instead of a few statements of
/// its own (each one a trip to the database's thread or over the network, which the profile showed as the gateway's
/// cost). A caller that finds no round running runs one itself, at once, in its own task (no timer, no hand-over to
/// another task); those that come while it runs wait, and the next round, run by a task of its own, takes them all.
///
/// A round settles first (what it frees counts for the admissions after it), then decides its admissions in the order
/// they came, each against the sums read inside the transaction plus what the round has admitted before it. Every
/// caller of a round gets its error if the round fails.
final class GroupCommit: Sendable {
    /// A round's largest size, which bounds the statements' lengths and parameters.
    static let largestRound = 256

    private enum Work {
        case admission(Admission)
        case settlement(LedgerRow)
    }

    /// A caller waiting for a round: its decision, or nil for a settlement.
    private struct Waiter {
        var work: Work
        var continuation: CheckedContinuation<AdmissionDecision?, any Error>
    }

    private struct Queue {
        var waiting: [Waiter] = []
        var running = false
    }

    private let queue = NIOLockedValueBox(Queue())

    /// How many callers wait for the next round.
    var waiting: Int { queue.withLockedValue { $0.waiting.count } }

    /// Decides `admission` in one of `store`'s rounds (a store passes itself: a closure kept here to call it back
    /// cost a chain of reabstraction thunks at every round, which the profile showed above SQLite itself).
    func admit(_ admission: Admission, in store: any GroupCommitStore) async throws -> AdmissionDecision {
        guard let decision = try await submit(.admission(admission), in: store) else {
            preconditionFailure("a round decides each of its admissions")
        }
        return decision
    }

    func settle(_ row: LedgerRow, in store: any GroupCommitStore) async throws {
        _ = try await submit(.settlement(row), in: store)
    }

    private func submit(_ work: Work, in store: any GroupCommitStore) async throws -> AdmissionDecision? {
        let leads = queue.withLockedValue { queue in
            guard !queue.running else { return false }
            queue.running = true
            return true
        }
        guard leads else {
            return try await withCheckedThrowingContinuation { continuation in
                let start = queue.withLockedValue { queue in
                    queue.waiting.append(Waiter(work: work, continuation: continuation))
                    guard !queue.running else { return false }
                    queue.running = true
                    return true
                }
                if start { Task { await self.drain(store) } }
            }
        }
        // No round was running: this caller runs one, with whoever already waits.
        let others = queue.withLockedValue { queue in Self.take(from: &queue, limit: Self.largestRound - 1) }
        let outcome: Result<[AdmissionDecision?], any Error>
        do {
            outcome = .success(try await Self.run([work] + others.map(\.work), in: store))
        } catch {
            outcome = .failure(error)
        }
        Self.resume(others, with: outcome.map { Array($0.dropFirst()) })
        // Those that came meanwhile go in rounds run by another task: this caller's reply waits for nobody else.
        let more = queue.withLockedValue { queue in
            if queue.waiting.isEmpty { queue.running = false }
            return !queue.waiting.isEmpty
        }
        if more { Task { await self.drain(store) } }
        return try outcome.get()[0]
    }

    /// Runs rounds until nobody waits.
    private func drain(_ store: any GroupCommitStore) async {
        while let waiters = next() {
            do {
                Self.resume(waiters, with: .success(try await Self.run(waiters.map(\.work), in: store)))
            } catch {
                Self.resume(waiters, with: .failure(error))
            }
        }
    }

    /// The next round's waiters, or nil when nobody waits (and the next caller runs a round).
    private func next() -> [Waiter]? {
        queue.withLockedValue { queue in
            guard !queue.waiting.isEmpty else {
                queue.running = false
                return nil
            }
            return Self.take(from: &queue, limit: Self.largestRound)
        }
    }

    private static func take(from queue: inout Queue, limit: Int) -> [Waiter] {
        let taken = Array(queue.waiting.prefix(limit))
        queue.waiting.removeFirst(taken.count)
        return taken
    }

    /// One round of `works`: a decision for each admission, nil for each settlement, in their order.
    private static func run(_ works: [Work], in store: any GroupCommitStore) async throws -> [AdmissionDecision?] {
        var settlements: [LedgerRow] = []
        var admissions: [Admission] = []
        for work in works {
            switch work {
            case .admission(let admission): admissions.append(admission)
            case .settlement(let row): settlements.append(row)
            }
        }
        let decisions = try await store.round(settlements: settlements, admissions: admissions)
        precondition(decisions.count == admissions.count, "a round decides each of its admissions")
        var next = decisions.makeIterator()
        return works.map { work in
            if case .admission = work { return next.next()! }
            return nil
        }
    }

    private static func resume(_ waiters: [Waiter], with outcome: Result<[AdmissionDecision?], any Error>) {
        switch outcome {
        case .success(let results):
            for (waiter, result) in zip(waiters, results) { waiter.continuation.resume(returning: result) }
        case .failure(let error):
            for waiter in waiters { waiter.continuation.resume(throwing: error) }
        }
    }
}

/// A store that runs rounds of the group commit.
protocol GroupCommitStore: AnyObject, Sendable {
    /// One round, in one transaction: write `settlements`, then decide `admissions` (one decision each, in order).
    func round(settlements: [LedgerRow], admissions: [Admission]) async throws -> [AdmissionDecision]
}
