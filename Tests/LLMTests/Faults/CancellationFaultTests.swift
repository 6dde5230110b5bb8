import LLM
import LLMTesting
import Testing

extension TimingFaults {
    /// A caller that gives up: the request must stop at once, the server must see its connection close,
    /// nothing may be retried, and the caller must never receive a finish for a reply it did not get.
    @Suite(.timeLimit(.minutes(1)))
    struct CancellationFaultTests {
        static let stall = StubResponse.Action.pause(.seconds(30))
        /// How soon after the cancel the server must see the connection go.
        static let prompt = Duration.seconds(1)

        @Test(arguments: FaultWire.all)
        func cancellingMidStreamClosesTheConnection(_ wire: FaultWire) async throws {
            let server = try await startScriptedServer([wire.response(try wire.throughFirstContent() + [Self.stall] + wire.afterFirstContent())])
            defer { shut(server) }
            let clock = RecordingRetryClock()
            let provider = wire.provider(server, clock: clock)
            let sawText = FaultSignal()

            let reader = Task { await collectOutcome(provider.stream(faultRequest), onText: { sawText.fire() }) }
            #expect(await waitUntil(timeout: .seconds(5)) { sawText.count > 0 })
            #expect(server.openConnections == 1)
            reader.cancel()
            let outcome = await reader.value

            #expect(outcome.text == "Hello")
            #expect(outcome.finishCount == 0)
            #expect(outcome.error == nil || outcome.error == .cancelled, "got \(String(describing: outcome.error))")
            #expect(outcome.foreignError == nil)
            #expect(await server.waitForOpenConnections(0, timeout: Self.prompt))
            #expect(server.requests.count == 1)
            #expect(clock.delays.isEmpty)
        }

        @Test(arguments: FaultWire.all)
        func cancellingBeforeTheHeadClosesTheConnection(_ wire: FaultWire) async throws {
            let server = try await startScriptedServer([wire.response([Self.stall])])
            defer { shut(server) }
            let clock = RecordingRetryClock()
            let provider = wire.provider(server, clock: clock)

            let reader = Task { await collectOutcome(provider.stream(faultRequest)) }
            #expect(await server.waitForRequests(1, timeout: .seconds(5)))
            reader.cancel()
            let outcome = await reader.value

            #expect(outcome.events.isEmpty)
            #expect(outcome.error == nil || outcome.error == .cancelled, "got \(String(describing: outcome.error))")
            #expect(await server.waitForOpenConnections(0, timeout: Self.prompt))
            #expect(server.requests.count == 1)
            #expect(clock.delays.isEmpty)
        }

        @Test(arguments: FaultWire.all)
        func cancellingCompleteThrowsCancelledAndClosesTheConnection(_ wire: FaultWire) async throws {
            let server = try await startScriptedServer([StubResponse(actions: [Self.stall])])
            defer { shut(server) }
            let clock = RecordingRetryClock()
            let provider = wire.provider(server, clock: clock)

            let caller = Task { try await provider.complete(faultRequest) }
            #expect(await server.waitForRequests(1, timeout: .seconds(5)))
            caller.cancel()

            let error = await llmError { _ = try await caller.value }
            #expect(error == .cancelled, "got \(String(describing: error))")
            #expect(await server.waitForOpenConnections(0, timeout: Self.prompt))
            #expect(server.requests.count == 1)
            #expect(clock.delays.isEmpty)
        }

        /// Regression: a cancelled `collectResponse()` reported `malformedResponse` ("the reply ended before
        /// its finish event"), because a cancelled reader sees the event stream end silently.
        @Test(arguments: FaultWire.all)
        func cancellingCollectResponseThrowsCancelled(_ wire: FaultWire) async throws {
            let server = try await startScriptedServer([wire.response([Self.stall])])
            defer { shut(server) }
            let provider = wire.provider(server, clock: RecordingRetryClock())

            let caller = Task { try await provider.stream(faultRequest).collectResponse() }
            #expect(await server.waitForRequests(1, timeout: .seconds(5)))
            caller.cancel()

            let error = await llmError { _ = try await caller.value }
            #expect(error == .cancelled, "got \(String(describing: error))")
            #expect(await server.waitForOpenConnections(0, timeout: Self.prompt))
        }

        @Test(arguments: FaultWire.all)
        func cancellingDuringTheBackoffStopsRetrying(_ wire: FaultWire) async throws {
            // The server asks for 30 s; the clock really sleeps, so only the cancel can end the wait.
            let server = try await startScriptedServer([try wire.failure(status: 429, kind: "rate_limited", headers: ["retry-after": "30"])])
            defer { shut(server) }
            let clock = SignallingRetryClock()
            let provider = wire.provider(server, clock: clock)

            let reader = Task { await collectOutcome(provider.stream(faultRequest)) }
            #expect(await waitUntil(timeout: .seconds(5)) { clock.sleeping.count > 0 })
            let cancelledAt = ContinuousClock.now
            reader.cancel()
            let outcome = await reader.value

            #expect(ContinuousClock.now - cancelledAt < Self.prompt)
            #expect(outcome.events.isEmpty)
            #expect(outcome.finishCount == 0)
            #expect(outcome.error == nil || outcome.error == .cancelled, "got \(String(describing: outcome.error))")
            #expect(server.requests.count == 1)
            #expect(clock.delays == [.seconds(30)])
        }
    }
}

/// A retry clock that really sleeps (cancellably) and says when it starts to.
final class SignallingRetryClock: RetryClock {
    let sleeping = FaultSignal()
    private let recorder = RecordingRetryClock()

    var delays: [Duration] { recorder.delays }

    func sleep(for duration: Duration) async throws {
        try await recorder.sleep(for: duration)
        sleeping.fire()
        try await Task.sleep(for: duration)
    }
}
