import LLM
import LLMTesting
import Testing

@Suite struct RetryRunnerTests {
    let details = ProviderErrorDetails(provider: "mock", status: 429, message: "slow down")
    let request = ChatRequest(model: "m", messages: [.user("hi")])

    @Test func completeRetriesRateLimitsWithTheRequestedSpacing() async throws {
        let clock = RecordingRetryClock()
        let mock = MockProvider(
            replies: [.error(.rateLimited(retryAfter: .seconds(2), details)), .error(.serverError(details)), .text("finally")],
            retryPolicy: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(100), jitter: false), retryClock: clock)
        let response = try await mock.complete(request)
        #expect(response.content == "finally")
        #expect(clock.delays == [.seconds(2), .milliseconds(200)])
        #expect(mock.requests.count == 3)
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastError() async {
        let clock = RecordingRetryClock()
        let mock = MockProvider(
            replies: [.error(.serverError(details))], repeatLastReply: true,
            retryPolicy: RetryPolicy(maxAttempts: 4, jitter: false), retryClock: clock)
        await #expect(throws: LLMError.serverError(details)) { try await mock.complete(request) }
        #expect(mock.requests.count == 4)
        #expect(clock.delays.count == 3)
    }

    @Test func permanentErrorsAreNotRetried() async {
        let clock = RecordingRetryClock()
        let mock = MockProvider(replies: [.error(.authentication(details)), .text("never")], retryPolicy: .default, retryClock: clock)
        await #expect(throws: LLMError.authentication(details)) { try await mock.complete(request) }
        #expect(mock.requests.count == 1)
        #expect(clock.delays.isEmpty)
    }

    @Test func emptyRepliesAreRetriedButLengthStopsAreNot() async throws {
        let clock = RecordingRetryClock()
        let mock = MockProvider(
            replies: [.text(""), MockReply(.text(""), stopReason: .maxTokens)],
            retryPolicy: RetryPolicy(maxAttempts: 3, jitter: false), retryClock: clock)
        let response = try await mock.complete(request)
        #expect(response.stopReason == .maxTokens)
        #expect(response.content.isEmpty)
        #expect(mock.requests.count == 2)
    }

    @Test func perRequestPolicyOverridesTheProviders() async {
        let clock = RecordingRetryClock()
        let mock = MockProvider(replies: [.error(.serverError(details))], repeatLastReply: true, retryPolicy: .default, retryClock: clock)
        var once = request
        once.retryPolicy = RetryPolicy.none
        await #expect(throws: LLMError.self) { try await mock.complete(once) }
        #expect(mock.requests.count == 1)
    }

    @Test func streamRetriesBeforeTheFirstEventInvisibly() async throws {
        let clock = RecordingRetryClock()
        let mock = MockProvider(
            replies: [.error(.overloaded(retryAfter: nil, details)), .text("")/* empty: retried */, .text("Hello world")],
            retryPolicy: RetryPolicy(maxAttempts: 3, jitter: false), retryClock: clock)
        var texts: [String] = []
        var starts = 0
        for try await event in mock.stream(request) {
            if case .textDelta(let delta, _) = event { texts.append(delta) }
            if case .start = event { starts += 1 }
        }
        #expect(texts == ["Hello", " world"])
        #expect(starts == 1)
        #expect(mock.requests.count == 3)
    }

    @Test func streamNeverRepeatsTextAfterAFailureMidReply() async throws {
        let clock = RecordingRetryClock()
        let mock = MockProvider(
            replies: [MockReply(.textThenError("Once upon", .network(reason: "connection reset"))), .text("Once upon a time")],
            retryPolicy: RetryPolicy(maxAttempts: 3), retryClock: clock)
        var text = ""
        var thrown: LLMError?
        do {
            for try await event in mock.stream(request) {
                if case .textDelta(let delta, _) = event { text += delta }
            }
        } catch let error as LLMError {
            thrown = error
        }
        #expect(text == "Once upon")
        #expect(thrown == .network(reason: "connection reset"))
        #expect(thrown?.isRetryable == true)
        #expect(mock.requests.count == 1)
    }
}
