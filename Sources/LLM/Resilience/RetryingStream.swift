/// Builds a provider's event stream with retries that can never show the caller text twice.
///
/// Each attempt runs `attempt`, which emits events as it decodes them. Events that carry no content
/// (start, usage, finish) are held back until the first content event, so an attempt that fails
/// before producing content, or finishes empty, is retried invisibly. Once content has reached the
/// caller a failure is thrown as it is (an ``LLMError``, usually retryable): the caller decides.
public enum RetryingStream {
    public static func make(
        runner: RetryRunner,
        attempt: @escaping @Sendable (_ attemptNumber: Int, _ emit: (StreamEvent) -> Void) async throws -> Void
    ) -> LLMEventStream {
        let (stream, continuation) = LLMEventStream.makeStream()
        let task = Task {
            do {
                try await run(runner: runner, attempt: attempt, continuation: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: LLMError(normalising: error))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private static func run(
        runner: RetryRunner, attempt: @Sendable (Int, (StreamEvent) -> Void) async throws -> Void,
        continuation: LLMEventStream.Continuation
    ) async throws {
        var number = 1
        while true {
            let gate = FirstContentGate(continuation: continuation)
            do {
                try Task.checkCancellation()
                try await attempt(number) { gate.emit($0) }
                if !gate.deliveredContent, gate.stopReason != .maxTokens {
                    throw LLMError.emptyResponse(model: gate.model)
                }
                gate.flush()
                return
            } catch {
                let error = LLMError(normalising: error)
                if gate.deliveredContent { throw error }
                guard
                    let delay = runner.policy.delay(afterAttempt: number, error: error, randomUnit: .random(in: 0..<1))
                else { throw error }
                do { try await runner.clock.sleep(for: delay) } catch { throw LLMError.cancelled }
                number += 1
            }
        }
    }
}

/// Holds back content-free events until the first content event of an attempt.
private final class FirstContentGate {
    private let continuation: LLMEventStream.Continuation
    private var held: [StreamEvent] = []
    private(set) var deliveredContent = false
    private(set) var stopReason: StopReason?
    private(set) var model: String?

    init(continuation: LLMEventStream.Continuation) {
        self.continuation = continuation
    }

    func emit(_ event: StreamEvent) {
        switch event {
        case .start(_, let model):
            if let model { self.model = model }
        case .finish(let reason, _, let model):
            stopReason = reason
            if let model { self.model = model }
        default:
            break
        }
        if deliveredContent {
            continuation.yield(event)
            return
        }
        if event.isContent {
            deliveredContent = true
            flush()
            continuation.yield(event)
        } else {
            held.append(event)
        }
    }

    func flush() {
        for event in held { continuation.yield(event) }
        held.removeAll()
    }
}

extension StreamEvent {
    /// Whether this event carries part of the reply itself (text, reasoning or a tool call).
    var isContent: Bool {
        switch self {
        case .start, .usage, .finish, .textEnd: false
        default: true
        }
    }
}
