/// Runs an operation under a ``RetryPolicy``.
public struct RetryRunner: Sendable {
    public var policy: RetryPolicy
    public var clock: any RetryClock

    public init(policy: RetryPolicy, clock: any RetryClock = SystemRetryClock()) {
        self.policy = policy
        self.clock = clock
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
                guard let delay = policy.delay(afterAttempt: attempt, error: error, randomUnit: .random(in: 0..<1)) else {
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
