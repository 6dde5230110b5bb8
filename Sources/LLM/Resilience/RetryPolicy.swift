/// When and how often a failed call is tried again.
///
/// Retried: rate limits, overload, server errors, timeouts, network errors and empty replies. Delays grow
/// exponentially with full jitter (a random delay between zero and the exponential bound) up to
/// `maxBackoff`; when the provider names a delay (`retry-after-ms`, `Retry-After`) that delay is used,
/// capped at `maxRetryAfter`.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts, the first included. 1 means no retries.
    public var maxAttempts: Int
    /// The bound of the first backoff.
    public var initialBackoff: Duration
    /// The largest backoff bound.
    public var maxBackoff: Duration
    /// How much the bound grows per attempt.
    public var multiplier: Double
    /// The longest provider-requested delay honoured; longer requests are cut to this.
    public var maxRetryAfter: Duration
    /// Randomise each delay between zero and its bound (recommended: it spreads out retrying clients).
    public var jitter: Bool

    public init(
        maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(20),
        multiplier: Double = 2, maxRetryAfter: Duration = .seconds(60), jitter: Bool = true
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
    }

    public static let `default` = RetryPolicy()

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay before the next attempt after `attempt` (1-based) failed with `error`, or `nil` when the
    /// call must not be retried. `randomUnit` is a number in `0..<1` used for jitter.
    public func delay(afterAttempt attempt: Int, error: LLMError, randomUnit: Double) -> Duration? {
        guard attempt < maxAttempts, error.isRetryable else { return nil }
        if let requested = error.retryAfter {
            return min(max(requested, .zero), maxRetryAfter)
        }
        let bound = backoffBound(afterAttempt: attempt)
        return jitter ? bound * min(max(randomUnit, 0), 1) : bound
    }

    /// The exponential bound for the delay after `attempt` failed: initial x multiplier^(attempt-1), capped.
    public func backoffBound(afterAttempt attempt: Int) -> Duration {
        let factor = Foundation.pow(multiplier, Double(max(0, attempt - 1)))
        let seconds = initialBackoff.seconds * factor
        return seconds >= maxBackoff.seconds ? maxBackoff : .seconds(seconds)
    }
}

import Foundation

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
