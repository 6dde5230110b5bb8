import NIOConcurrencyHelpers

/// The admissions and settlements that arrive while a store is busy wait for its next round, and each round is one
/// transaction for all of them: a request costs the store a share of a few statements instead of a few statements of
/// its own (each one a trip to the database's thread or over the network, which the profile showed as the gateway's
/// cost). A caller that finds no round running runs one itself, at once, in its own task (no timer, no hand-over to
/// another task); those that come while it runs wait, and the next round, run by a task of its own, takes them all.
///
/// A round settles first (what it frees counts for the admissions after it), then decides its admissions in the order
/// they came, each against the sums read inside the transaction plus what the round has admitted before it. A caller
/// gets its round's error if the part of the round it was in failed.
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
        // No round was running (so nobody waits): this caller's round starts at once. It runs in a task of its own, so
        // that this caller's cancellation cannot stop a write (GRDB stops a write whose task is cancelled).
        let result = await Task { await Self.run([work], in: store)[0] }.value
        // Those that came meanwhile go in rounds run by another task: this caller's reply waits for nobody else.
        let more = queue.withLockedValue { queue in
            if queue.waiting.isEmpty { queue.running = false }
            return !queue.waiting.isEmpty
        }
        if more { Task { await self.drain(store) } }
        return try result.get()
    }

    /// Runs rounds until nobody waits.
    private func drain(_ store: any GroupCommitStore) async {
        while let waiters = next() {
            let results = await Self.run(waiters.map(\.work), in: store)
            for (waiter, result) in zip(waiters, results) { waiter.continuation.resume(with: result) }
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
        // Usually everyone waiting fits in one round: hand the array over rather than copy it.
        guard queue.waiting.count > limit else {
            defer { queue.waiting = [] }
            return queue.waiting
        }
        let taken = Array(queue.waiting.prefix(limit))
        queue.waiting.removeFirst(taken.count)
        return taken
    }

    /// One round of `works`: for each, in their order, its decision (an admission), nil (a settlement) or its error.
    private static func run(_ works: [Work], in store: any GroupCommitStore) async -> [Result<AdmissionDecision?, any Error>] {
        var settlements: [LedgerRow] = []
        var admissions: [Admission] = []
        for work in works {
            switch work {
            case .admission(let admission): admissions.append(admission)
            case .settlement(let row): settlements.append(row)
            }
        }
        let outcome = await store.round(settlements: settlements, admissions: admissions)
        if case .success(let decisions) = outcome.decided {
            precondition(decisions.count == admissions.count, "a round decides each of its admissions")
        }
        var decisions = ((try? outcome.decided.get()) ?? []).makeIterator()
        return works.map { work in
            switch work {
            case .settlement: outcome.settled.map { nil }
            case .admission: outcome.decided.map { _ in decisions.next() }
            }
        }
    }
}

/// What a round did, its settlements and its admissions apart (on PostgreSQL they are two statements: one may fail
/// while the other committed).
struct RoundOutcome {
    var settled: Result<Void, any Error>
    var decided: Result<[AdmissionDecision], any Error>

    /// One outcome for the whole round (a single transaction).
    init(_ result: Result<[AdmissionDecision], any Error>) {
        settled = result.map { _ in () }
        decided = result
    }

    init(settled: Result<Void, any Error>, decided: Result<[AdmissionDecision], any Error>) {
        self.settled = settled
        self.decided = decided
    }
}

/// A store that runs rounds of the group commit.
protocol GroupCommitStore: AnyObject, Sendable {
    /// One round: write `settlements`, then decide `admissions` (one decision each, in order).
    func round(settlements: [LedgerRow], admissions: [Admission]) async -> RoundOutcome
}
