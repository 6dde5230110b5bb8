import Logging

/// Runs an operation under a ``RetryPolicy``.
public struct RetryRunner: Sendable {
    public var policy: RetryPolicy
    public var clock: any RetryClock
    /// Where retry decisions are logged, at debug level.
    public var logger: Logger

    /// The logger retry decisions go to unless told otherwise: `llm.retry`.
    public static let defaultLogger = Logger(label: "llm.retry")

    public init(policy: RetryPolicy, clock: any RetryClock = SystemRetryClock(), logger: Logger = RetryRunner.defaultLogger) {
        self.policy = policy
        self.clock = clock
        self.logger = logger
    }

    /// The delay before another attempt after `attempt` failed with `error`, or nil to give up; logged either way.
    func retryDelay(afterAttempt attempt: Int, error: LLMError) -> Duration? {
        let delay = policy.delay(afterAttempt: attempt, error: error, randomUnit: .random(in: 0..<1))
        logger.debug(
            delay == nil ? "giving up" : "retrying",
            metadata: [
                "attempt": "\(attempt)", "max_attempts": "\(policy.maxAttempts)", "error": "\(error.kind)",
                "retryable": "\(error.isRetryable)", "delay_ms": "\(delay.map { $0 / .milliseconds(1) } ?? 0)",
            ])
        return delay
    }

    /// Calls `operation` until it succeeds, fails with an error that is not retryable, or attempts run out.
    /// Errors are normalised to ``LLMError``.
    public func run<T: Sendable>(_ operation: @Sendable (_ attempt: Int) async throws -> T) async throws(LLMError) -> T {
        var attempt = 1
        while true {
            do {
                try Task.checkCancellation()
                return try await operation(attempt)
            } catch {
                let error = LLMError(normalising: error)
                guard let delay = retryDelay(afterAttempt: attempt, error: error) else {
                    throw error
                }
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    throw .cancelled
                }
                attempt += 1
            }
        }
    }

    /// Completes a request, treating a reply with neither text nor tool calls as an empty response
    /// (retried) unless it was cut off by the length limit.
    public func complete(_ operation: @Sendable (_ attempt: Int) async throws -> LLMResponse) async throws(LLMError) -> LLMResponse {
        try await run { attempt in
            let response = try await operation(attempt)
            if response.isEmpty, response.stopReason != .maxTokens {
                throw LLMError.emptyResponse(model: response.model)
            }
            return response
        }
    }
}

extension LLMError {
    /// Any error as an ``LLMError``: cancellation becomes `.cancelled`, anything unknown `.network`.
    public init(normalising error: any Error) {
        switch error {
        case let error as LLMError: self = error
        case is CancellationError: self = .cancelled
        default: self = .network(reason: String(describing: error))
        }
    }
}
