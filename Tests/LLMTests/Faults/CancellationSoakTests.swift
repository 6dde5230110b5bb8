import LLM
import LLMTesting
import Testing

extension TimingFaults {
    /// Many cancelled streams in a row: a leak of one connection or one task per cancel would pile up here.
    @Suite(.timeLimit(.minutes(2)))
    struct CancellationSoakTests {
        static let total = 1000
        /// AsyncHTTPClient's default connections per host: a larger batch would only queue in its pool.
        static let batch = 8

        @Test(arguments: TransportUnderTest.allCases)
        func thousandCancelledStreamsLeaveNoConnectionOrTaskBehind(_ kind: TransportUnderTest) async throws {
            // `/head/...` stalls before the response head; `/body/...` stalls right after the first text.
            let server = try await StubHTTPServer.start { request in
                guard request.path.hasPrefix("/body"), let wire = FaultWire.serving(path: request.path),
                    let actions = try? wire.throughFirstContent()
                else { return StubResponse(actions: [.pause(.seconds(30))]) }
                return wire.response(actions + [.pause(.seconds(30))])
            }
            defer { shut(server) }
            let live = LiveCount()
            let clock = RecordingRetryClock()

            for start in stride(from: 0, to: Self.total, by: Self.batch) {
                let sawText = FaultSignal()
                var inBody = 0
                var readers: [Task<StreamOutcome, Never>] = []
                for index in start..<start + Self.batch {
                    let wire = FaultWire.all[index % FaultWire.all.count]
                    // Alternate per round of providers, so every provider is cancelled in both places.
                    let body = (index / FaultWire.all.count).isMultiple(of: 2)
                    if body { inBody += 1 }
                    let provider = wire.provider(
                        server, prefix: body ? "/body" : "/head", clock: clock,
                        transport: TrackedTransport(kind.shared, live: live))
                    readers.append(Task { await collectOutcome(provider.stream(faultRequest), onText: { sawText.fire() }) })
                }
                let arrived = await server.waitForRequests(start + Self.batch, timeout: .seconds(10))
                let streaming = await waitUntil(timeout: .seconds(10)) { sawText.count >= inBody }
                for reader in readers { reader.cancel() }
                var clean = true
                for reader in readers {
                    let outcome = await reader.value
                    clean = clean && outcome.finishCount == 0 && outcome.foreignError == nil
                        && (outcome.error == nil || outcome.error == .cancelled)
                }
                // Stop at the first bad batch rather than repeat the failure a hundred times.
                try #require(arrived && streaming && clean, "batch starting at stream \(start)")
            }

            #expect(server.requests.count == Self.total, "a cancelled stream was retried")
            #expect(clock.delays.isEmpty)
            #expect(await server.waitForOpenConnections(0, timeout: .seconds(10)), "\(server.openConnections) connections left open")
            #expect(await waitUntil(timeout: .seconds(10)) { live.value == 0 }, "\(live.value) stream tasks still hold their provider")
        }
    }
}
