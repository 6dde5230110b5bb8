import LLM
import LLMTesting
import Testing

/// Broken connections and broken bodies, through the real transport. The rule under test: a failure
/// before the first content event is retried invisibly; after it, the error reaches the caller, and the
/// text already shown is never shown again.
@Suite(.timeLimit(.minutes(1)))
struct ConnectionFaultTests {
    /// Lets the chunks already sent reach the client before the connection breaks (an RST may
    /// otherwise discard data still unread in the client's socket buffer).
    static let settle = StubResponse.Action.pause(.milliseconds(50))

    // MARK: Connection reset

    @Test(arguments: FaultWire.all)
    func resetBeforeTheFirstByteIsRetried(_ wire: FaultWire) async throws {
        let server = try await startScriptedServer([StubResponse(actions: [.resetConnection]), try wire.success()])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        expectRecovered(outcome, like: try await wire.baseline())
        #expect(server.requests.count == 2)
        #expect(clock.delays == [.milliseconds(100)])
    }

    @Test(arguments: FaultWire.all)
    func resetBeforeTheFirstByteOnEveryAttemptGivesUp(_ wire: FaultWire) async throws {
        let server = try await startScriptedServer([StubResponse(actions: [.resetConnection])])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        expectFailed(outcome, kind: "network", afterText: "")
        #expect(server.requests.count == 3)
        #expect(clock.delays == [.milliseconds(100), .milliseconds(200)])
    }

    @Test(arguments: FaultWire.all)
    func resetMidStreamBeforeContentIsRetried(_ wire: FaultWire) async throws {
        let broken = wire.response(try wire.preamble() + [Self.settle, .resetConnection])
        let server = try await startScriptedServer([broken, try wire.success()])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        expectRecovered(outcome, like: try await wire.baseline())
        #expect(server.requests.count == 2)
        #expect(clock.delays == [.milliseconds(100)])
    }

    @Test(arguments: FaultWire.all, [StubResponse.Action.resetConnection, .closeConnection])
    func brokenConnectionAfterContentIsNotRetried(_ wire: FaultWire, _ loss: StubResponse.Action) async throws {
        let broken = wire.response(try wire.throughFirstContent() + [Self.settle, loss])
        let server = try await startScriptedServer([broken, try wire.success()])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        expectFailed(outcome, kind: "network", afterText: "Hello")
        #expect(outcome.error?.isRetryable == true, "the caller may decide to ask again")
        #expect(server.requests.count == 1)
        #expect(clock.delays.isEmpty)
    }

    // MARK: Missing terminator

    @Test(arguments: FaultWire.all)
    func streamEndingWithoutTerminatorBeforeContentIsRetried(_ wire: FaultWire) async throws {
        let cut = wire.response(try wire.preamble() + [.end])
        let server = try await startScriptedServer([cut, try wire.success()])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        expectRecovered(outcome, like: try await wire.baseline())
        #expect(server.requests.count == 2)
        #expect(clock.delays == [.milliseconds(100)])
    }

    @Test(arguments: FaultWire.all)
    func streamEndingWithoutTerminatorAfterContentFails(_ wire: FaultWire) async throws {
        let cut = wire.response(try wire.throughFirstContent() + [.end])
        let server = try await startScriptedServer([cut, try wire.success()])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        // A truncated reply is not a complete one: it must never end with a finish event.
        expectFailed(outcome, kind: "network", afterText: "Hello")
        #expect(server.requests.count == 1)
        #expect(clock.delays.isEmpty)
    }

    // MARK: Malformed chunk

    @Test(arguments: FaultWire.all)
    func malformedChunkBeforeContentIsNotRetried(_ wire: FaultWire) async throws {
        let garbled = wire.response(try wire.preamble() + [.send(wire.malformedEvent)] + wire.afterFirstContent() + [.end])
        let server = try await startScriptedServer([garbled, try wire.success()])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        // Asking again would get the same garbage: a malformed answer is final.
        expectFailed(outcome, kind: "malformed_response", afterText: "")
        #expect(server.requests.count == 1)
        #expect(clock.delays.isEmpty)
    }

    @Test(arguments: FaultWire.all)
    func malformedChunkAfterContentStopsTheStream(_ wire: FaultWire) async throws {
        let garbled = wire.response(try wire.throughFirstContent() + [.send(wire.malformedEvent)] + wire.afterFirstContent() + [.end])
        let server = try await startScriptedServer([garbled, try wire.success()])
        defer { shut(server) }
        let clock = RecordingRetryClock()

        let outcome = await collectOutcome(wire.provider(server, clock: clock).stream(faultRequest))

        expectFailed(outcome, kind: "malformed_response", afterText: "Hello")
        if case .malformedResponse(_, let raw)? = outcome.error {
            #expect(raw.contains("oops"), "the offending chunk is kept for debugging")
        }
        #expect(server.requests.count == 1)
        #expect(clock.delays.isEmpty)
    }
}
