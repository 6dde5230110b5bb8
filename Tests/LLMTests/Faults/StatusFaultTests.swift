import LLM
import LLMTesting
import NIOHTTP1
import Testing

/// Retryable HTTP statuses, through the real transport: each provider must classify its own error body,
/// honour the server's delay, retry invisibly, and deliver the reply exactly once when it recovers.
@Suite(.timeLimit(.minutes(1)))
struct StatusFaultTests {
    struct StatusCase: Sendable, CustomStringConvertible {
        var status: Int
        /// Which error fixture is the body (`error-<fixture>.json`).
        var fixture: String
        var headers: HTTPHeaders
        var kind: String
        /// The two delays expected between three attempts with ``FaultOptions/policy``.
        var delays: [Duration]

        var description: String {
            "\(status)" + (headers.first.map { " \($0.name): \($0.value)" } ?? "")
        }
    }

    static let backoff: [Duration] = [.milliseconds(100), .milliseconds(200)]

    static let cases: [StatusCase] = [
        StatusCase(status: 429, fixture: "rate_limited", headers: ["retry-after": "1"], kind: "rate_limited", delays: [.seconds(1), .seconds(1)]),
        StatusCase(
            status: 429, fixture: "rate_limited", headers: ["retry-after-ms": "250"], kind: "rate_limited",
            delays: [.milliseconds(250), .milliseconds(250)]),
        StatusCase(status: 500, fixture: "server_error", headers: [:], kind: "server_error", delays: backoff),
        StatusCase(status: 502, fixture: "server_error", headers: [:], kind: "server_error", delays: backoff),
        StatusCase(status: 503, fixture: "overloaded", headers: [:], kind: "overloaded", delays: backoff),
        StatusCase(status: 529, fixture: "overloaded", headers: [:], kind: "overloaded", delays: backoff),
    ]

    @Test(arguments: FaultWire.all, cases)
    func recoversAfterTwoFailures(_ wire: FaultWire, _ fault: StatusCase) async throws {
        let failure = try wire.failure(status: fault.status, kind: fault.fixture, headers: fault.headers)
        let server = try await startScriptedServer([failure, failure, try wire.success()])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        expectRecovered(outcome, like: try await wire.baseline())
        #expect(server.requests.count == 3)
        #expect(clock.delays == fault.delays)
    }

    @Test(arguments: FaultWire.all, cases)
    func givesUpWithTheLastErrorAfterAllAttempts(_ wire: FaultWire, _ fault: StatusCase) async throws {
        let server = try await startScriptedServer([try wire.failure(status: fault.status, kind: fault.fixture, headers: fault.headers)])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        expectFailed(outcome, kind: fault.kind, afterText: "")
        #expect(outcome.error?.httpStatus == fault.status)
        #expect(outcome.error?.isRetryable == true)
        #expect(outcome.events.isEmpty, "a failed attempt leaks no start or usage event")
        #expect(server.requests.count == 3)
        #expect(clock.delays == fault.delays)
    }

    @Test(arguments: FaultWire.all)
    func completeRetriesLikeTheStream(_ wire: FaultWire) async throws {
        let server = try await startScriptedServer([
            try wire.failure(status: 500, kind: "server_error"),
            try wire.failure(status: 503, kind: "overloaded"),
            .json(200, try Fixtures.text("conformance/\(wire.name)/plain-text.json")),
        ])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let reply = try await wire.provider(server, clock: clock).complete(faultRequest)

        #expect(reply.content == "Hello there.")
        #expect(reply.usage.inputTokens == 12 && reply.usage.outputTokens == 3)
        #expect(server.requests.count == 3)
        #expect(clock.delays == Self.backoff)
    }
}
