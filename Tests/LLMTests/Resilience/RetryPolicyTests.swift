import Foundation
import LLM
import NIOHTTP1
import Testing

@Suite struct RetryPolicyTests {
    let details = ProviderErrorDetails(provider: "p", status: 500, message: "boom")

    @Test func exponentialBoundsAreCapped() {
        let policy = RetryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), multiplier: 2, jitter: false)
        let delays = (1...6).map { policy.delay(afterAttempt: $0, error: .serverError(details), randomUnit: 0.5) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
    }

    @Test func fullJitterPicksBetweenZeroAndTheBound() {
        let policy = RetryPolicy(maxAttempts: 5, initialBackoff: .seconds(1), multiplier: 2)
        #expect(policy.delay(afterAttempt: 2, error: .network(reason: "x"), randomUnit: 0) == .zero)
        #expect(policy.delay(afterAttempt: 2, error: .network(reason: "x"), randomUnit: 0.25) == .milliseconds(500))
    }

    @Test func providerRequestedDelayWinsAndIsCapped() {
        let policy = RetryPolicy(maxAttempts: 3, maxRetryAfter: .seconds(30))
        #expect(policy.delay(afterAttempt: 1, error: .rateLimited(retryAfter: .seconds(7), details), randomUnit: 0.9) == .seconds(7))
        #expect(policy.delay(afterAttempt: 1, error: .overloaded(retryAfter: .seconds(600), details), randomUnit: 0.9) == .seconds(30))
    }

    @Test func noRetryAfterTheLastAttemptOrForPermanentErrors() {
        let policy = RetryPolicy(maxAttempts: 2)
        #expect(policy.delay(afterAttempt: 2, error: .serverError(details), randomUnit: 0) == nil)
        #expect(policy.delay(afterAttempt: 1, error: .authentication(details), randomUnit: 0) == nil)
        #expect(policy.delay(afterAttempt: 1, error: .invalidRequest(details), randomUnit: 0) == nil)
        #expect(RetryPolicy.none.delay(afterAttempt: 1, error: .serverError(details), randomUnit: 0) == nil)
    }

    @Test func retryableClassesAreExactlyTheTransientOnes() {
        let retryable: [LLMError] = [
            .rateLimited(retryAfter: nil, details), .overloaded(retryAfter: nil, details), .serverError(details),
            .timeout(.idle), .network(reason: "reset"), .emptyResponse(model: nil),
        ]
        let permanent: [LLMError] = [
            .authentication(details), .permissionDenied(details), .modelNotFound(details), .invalidRequest(details),
            .contextLengthExceeded(details), .contentFiltered(details), .malformedResponse(reason: "r", raw: ""),
            .invalidToolArguments(toolName: "t", raw: "", reason: "r"), .unsupported(feature: "f", provider: "p"), .cancelled,
        ]
        #expect(retryable.allSatisfy { $0.isRetryable })
        #expect(!permanent.contains { $0.isRetryable })
    }
}

@Suite struct RetryAfterTests {
    @Test func millisecondsHeaderWins() {
        let headers: HTTPHeaders = ["retry-after-ms": "1500", "retry-after": "9"]
        #expect(RetryAfter.parse(headers) == .milliseconds(1500))
    }

    @Test func secondsHeader() {
        #expect(RetryAfter.parse(["Retry-After": "20"]) == .seconds(20))
        #expect(RetryAfter.parse(["Retry-After": "0.5"]) == .milliseconds(500))
    }

    @Test func httpDateHeader() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(RetryAfter.parse(["Retry-After": "Tue, 14 Nov 2023 22:13:50 GMT"], now: now) == .seconds(30))
        #expect(RetryAfter.parse(["Retry-After": "Tue, 14 Nov 2023 22:00:00 GMT"], now: now) == .zero)
    }

    @Test func unreadableOrMissing() {
        #expect(RetryAfter.parse([:]) == nil)
        #expect(RetryAfter.parse(["Retry-After": "soon"]) == nil)
        #expect(RetryAfter.parse(["retry-after-ms": "-5"]) == nil)
    }
}
