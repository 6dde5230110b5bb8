import NIOConcurrencyHelpers

/// Runs an operation with a time limit, and stops waiting for it when the limit passes.
///
/// A task group would wait for a child that ignores cancellation, so a tool that never returns would
/// hang the whole step. Here the operation runs in its own task: on timeout (or when the caller is
/// cancelled) that task is cancelled and abandoned, and the caller resumes at once.
enum TimeLimit {
    enum Outcome<Value: Sendable>: Sendable {
        case finished(Result<Value, any Error>)
        case timedOut
    }

    static func run<Value: Sendable>(
        _ limit: Duration, _ operation: @escaping @Sendable () async throws -> Value
    ) async -> Outcome<Value> {
        let race = Race<Value>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                race.start(continuation)
                race.add(Task {
                    let result: Result<Value, any Error>
                    do { result = .success(try await operation()) } catch { result = .failure(error) }
                    race.settle(.finished(result))
                })
                race.add(Task {
                    // A cancelled sleep means the race is already settled.
                    guard (try? await Task.sleep(for: limit)) != nil else { return }
                    race.settle(.timedOut)
                })
            }
        } onCancel: {
            race.settle(.finished(.failure(CancellationError())))
        }
    }

    /// The first outcome wins: it resumes the waiting caller and cancels every task of the race.
    private final class Race<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Outcome<Value>, Never>?
            var outcome: Outcome<Value>?
            var resumed = false
            var tasks: [Task<Void, Never>] = []
        }

        private let state = NIOLockedValueBox(State())

        func start(_ continuation: CheckedContinuation<Outcome<Value>, Never>) {
            // The caller may have been cancelled before the continuation existed.
            let early = state.withLockedValue { state -> Outcome<Value>? in
                guard let outcome = state.outcome else {
                    state.continuation = continuation
                    return nil
                }
                state.resumed = true
                return outcome
            }
            if let early { continuation.resume(returning: early) }
        }

        func add(_ task: Task<Void, Never>) {
            let settled = state.withLockedValue { state -> Bool in
                state.tasks.append(task)
                return state.outcome != nil
            }
            if settled { task.cancel() }
        }

        func settle(_ outcome: Outcome<Value>) {
            let (continuation, tasks) = state.withLockedValue { state -> (CheckedContinuation<Outcome<Value>, Never>?, [Task<Void, Never>]) in
                guard state.outcome == nil else { return (nil, []) }
                state.outcome = outcome
                guard let continuation = state.continuation, !state.resumed else { return (nil, state.tasks) }
                state.resumed = true
                state.continuation = nil
                return (continuation, state.tasks)
            }
            for task in tasks { task.cancel() }
            continuation?.resume(returning: outcome)
        }
    }
}
