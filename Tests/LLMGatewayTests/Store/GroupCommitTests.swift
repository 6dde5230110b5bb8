import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import LLMGateway

/// Admissions and settlements that arrive while a round runs go together in the next one. The time limit bounds the
/// tests' waits for a round to start or for callers to queue.
@Suite(.timeLimit(.minutes(1))) struct GroupCommitTests {
    static let key = StoredKey(id: "k", name: "k", hash: "h", createdAt: Date())

    /// Records each round's contents and holds the first one until released, so the test knows what waits.
    final class Recorder: GroupCommitStore {
        let rounds = NIOLockedValueBox<[(settlements: [String], admissions: [String])]>([])
        let firstRoundMayEnd = AsyncStream<Void>.makeStream()
        let failing = NIOLockedValueBox(false)
        let sawCancellation = NIOLockedValueBox(false)

        func round(settlements: [LedgerRow], admissions: [Admission]) async -> RoundOutcome {
            do {
                return RoundOutcome(.success(try await decide(settlements: settlements, admissions: admissions)))
            } catch {
                return RoundOutcome(.failure(error))
            }
        }

        func decide(settlements: [LedgerRow], admissions: [Admission]) async throws -> [AdmissionDecision] {
            if Task.isCancelled { sawCancellation.withLockedValue { $0 = true } }
            let count = rounds.withLockedValue {
                $0.append((settlements.map(\.requestID), admissions.map(\.requestID)))
                return $0.count
            }
            if count == 1 { for await _ in firstRoundMayEnd.stream { break } }
            if failing.withLockedValue({ $0 }) { throw CancellationError() }
            return admissions.map { $0.requestID.hasSuffix("!") ? .budgetExhausted(reason: "no") : .admitted }
        }
    }

    func row(_ id: String) -> LedgerRow {
        LedgerRow(
            requestID: id, time: Date(), keyID: "k", alias: nil, provider: nil, model: nil, format: "openai-chat", streamed: false, status: 200,
            errorKind: nil, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cost: .zero,
            latencyMilliseconds: 0, timeToFirstTokenMilliseconds: nil)
    }

    @Test func whatArrivesDuringARoundGoesTogetherInTheNextAndEachCallerGetsItsOwnDecision() async throws {
        let recorder = Recorder()
        let commit = GroupCommit()

        async let first = commit.admit(Admission(requestID: "first", key: Self.key, tokens: 1, cost: .zero), in: recorder)
        while recorder.rounds.withLockedValue({ $0.isEmpty }) { await Task.yield() }
        // The first round is running: these wait for the next one.
        let decisions = try await withThrowingTaskGroup(of: (String, AdmissionDecision?).self) { group in
            for id in ["a", "b!", "c"] {
                group.addTask { (id, try await commit.admit(Admission(requestID: id, key: Self.key, tokens: 1, cost: .zero), in: recorder)) }
            }
            group.addTask {
                try await commit.settle(self.row("s"), in: recorder)
                return ("s", nil)
            }
            while commit.waiting < 4 { await Task.yield() }
            recorder.firstRoundMayEnd.continuation.yield()
            return try await group.reduce(into: [String: AdmissionDecision?]()) { $0[$1.0] = $1.1 }
        }
        #expect(try await first == .admitted)
        #expect(decisions["a"] == .admitted)
        #expect(decisions["b!"] == .budgetExhausted(reason: "no"))
        #expect(decisions["c"] == .admitted)
        let rounds = recorder.rounds.withLockedValue { $0 }
        #expect(rounds.count == 2)
        #expect(rounds.last?.settlements == ["s"])
        #expect(Set(rounds.last?.admissions ?? []) == ["a", "b!", "c"])
    }

    @Test func aRoundThatFailsFailsEachOfItsCallersAndTheNextRoundRuns() async throws {
        let recorder = Recorder()
        recorder.failing.withLockedValue { $0 = true }
        let commit = GroupCommit()

        let first = Task { try await commit.settle(row("first"), in: recorder) }
        while recorder.rounds.withLockedValue({ $0.isEmpty }) { await Task.yield() }
        // Two callers wait for the next round, which fails as the first does.
        let lost = Task { try await commit.settle(row("lost"), in: recorder) }
        let refused = Task { try await commit.admit(Admission(requestID: "x", key: Self.key, tokens: 1, cost: .zero), in: recorder) }
        while commit.waiting < 2 { await Task.yield() }
        recorder.firstRoundMayEnd.continuation.yield()
        await #expect(throws: CancellationError.self) { try await first.value }
        await #expect(throws: CancellationError.self) { try await lost.value }
        await #expect(throws: CancellationError.self) { _ = try await refused.value }
        let rounds = recorder.rounds.withLockedValue { $0 }
        #expect(rounds.count == 2)
        #expect(rounds.last?.settlements == ["lost"])
        #expect(rounds.last?.admissions == ["x"])
        recorder.failing.withLockedValue { $0 = false }
        #expect(try await commit.admit(Admission(requestID: "y", key: Self.key, tokens: 1, cost: .zero), in: recorder) == .admitted)
    }

    /// The caller that runs a round may be cancelled (its client left): the round, which may hold others' rows, is not.
    @Test func aRoundRunsToItsEndWhenItsCallerIsCancelled() async throws {
        let recorder = Recorder()
        recorder.firstRoundMayEnd.continuation.yield()
        let commit = GroupCommit()
        let caller = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await commit.settle(row("kept"), in: recorder)
        }
        try await caller.value
        #expect(recorder.rounds.withLockedValue { $0.map(\.settlements) } == [["kept"]])
        #expect(recorder.sawCancellation.withLockedValue { $0 } == false)
    }
}
