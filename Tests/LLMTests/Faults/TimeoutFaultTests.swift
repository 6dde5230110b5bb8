import LLM
import LLMTesting
import Testing

extension TimingFaults {
    /// A server that is slow to answer or falls silent, against the transport's first-byte and idle limits
    /// (``FaultOptions/tight``, 500 ms). The stub's pauses are far longer: they end only when the client
    /// gives up and closes the connection.
    @Suite(.timeLimit(.minutes(1)))
    struct TimeoutFaultTests {
        static let stall = StubResponse.Action.pause(.seconds(30))

        @Test(arguments: FaultWire.all)
        func slowFirstByteIsRetried(_ wire: FaultWire) async throws {
            let slow = wire.response([Self.stall] + (try wire.success(inOneChunk: true)).actions)
            let server = try await startScriptedServer([slow, try wire.success(inOneChunk: true)])
            defer { shut(server) }
            let clock = RecordingRetryClock()

            let outcome = await collectOutcome(wire.provider(server, timeouts: FaultOptions.tight, clock: clock).stream(faultRequest))

            expectRecovered(outcome, like: try await wire.baseline())
            #expect(server.requests.count == 2)
            #expect(clock.delays == [.milliseconds(100)])
        }

        @Test(arguments: FaultWire.all)
        func slowFirstByteOnEveryAttemptGivesUp(_ wire: FaultWire) async throws {
            let server = try await startScriptedServer([wire.response([Self.stall])])
            defer { shut(server) }
            let clock = RecordingRetryClock()

            let outcome = await collectOutcome(wire.provider(server, timeouts: FaultOptions.tight, clock: clock).stream(faultRequest))

            #expect(outcome.error == .timeout(.firstByte))
            expectFailed(outcome, kind: "timeout", afterText: "")
            #expect(server.requests.count == 3)
            #expect(clock.delays == [.milliseconds(100), .milliseconds(200)])
            #expect(await server.waitForOpenConnections(0, timeout: .seconds(2)), "each timed-out request closed its connection")
        }

        @Test(arguments: FaultWire.all)
        func idleGapBeforeContentIsRetried(_ wire: FaultWire) async throws {
            let stalled = wire.response(try wire.preamble() + [Self.stall])
            let server = try await startScriptedServer([stalled, try wire.success(inOneChunk: true)])
            defer { shut(server) }
            let clock = RecordingRetryClock()

            let outcome = await collectOutcome(wire.provider(server, timeouts: FaultOptions.tight, clock: clock).stream(faultRequest))

            expectRecovered(outcome, like: try await wire.baseline())
            #expect(server.requests.count == 2)
            #expect(clock.delays == [.milliseconds(100)])
        }

        @Test(arguments: FaultWire.all)
        func idleGapAfterContentFailsWithIdleTimeout(_ wire: FaultWire) async throws {
            let stalled = wire.response(try wire.throughFirstContent() + [Self.stall] + wire.afterFirstContent())
            let server = try await startScriptedServer([stalled, try wire.success(inOneChunk: true)])
            defer { shut(server) }
            let clock = RecordingRetryClock()

            let outcome = await collectOutcome(wire.provider(server, timeouts: FaultOptions.tight, clock: clock).stream(faultRequest))

            #expect(outcome.error == .timeout(.idle))
            expectFailed(outcome, kind: "timeout", afterText: "Hello")
            #expect(server.requests.count == 1)
            #expect(clock.delays.isEmpty)
            #expect(await server.waitForOpenConnections(0, timeout: .seconds(2)), "the silent connection was closed")
        }
    }
}
