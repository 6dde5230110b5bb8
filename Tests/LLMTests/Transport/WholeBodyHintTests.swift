import LLM
import LLMTesting
import NIOCore
import Testing

/// `TransportRequest.readsWholeBody`: the response is handed over with its body, and nothing else changes.
@Suite("HTTP transports with the whole-body hint")
struct WholeBodyHintTests {
    @Test(arguments: TransportUnderTest.allCases)
    func theResponseArrivesOnlyWithTheEndOfItsBody(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.send("first "), .pause(.milliseconds(150)), .send("second")])
        }
        defer { shut(server) }

        let started = ContinuousClock.now
        let response = try await transport.send(TransportRequest(url: server.baseURL, readsWholeBody: true))
        // The server writes "second" 150 ms after the head; a transport that handed over the head at once
        // would return well before.
        #expect(ContinuousClock.now - started >= .milliseconds(150))
        #expect(response.status == 200)
        #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "first second")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func aBodyLargerThanTheBufferIsHandedOverAsAStream(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        let server = try await StubHTTPServer.start { _ in
            // 320 KiB, more than the transport buffers, then a minute's stall before the end.
            StubResponse(actions: Array(repeating: .sendBytes(chunk), count: 5) + [.pause(.seconds(60)), .send("end")])
        }
        defer { shut(server) }

        let started = ContinuousClock.now
        let response = try await transport.send(TransportRequest(url: server.baseURL, readsWholeBody: true))
        var received = 0
        var iterator = response.body.makeAsyncIterator()
        while received < 5 * chunk.count, let part = try await iterator.next() {
            received += part.readableBytes
        }
        #expect(received == 5 * chunk.count)
        #expect(ContinuousClock.now - started < .seconds(30), "the caller reads before the body has ended")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func chunksBeforeABrokenConnectionAreReadThenTheErrorIsThrown(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.send("partial"), .pause(.milliseconds(50)), .resetConnection])
        }
        defer { shut(server) }

        // As without the hint: `send` returns the response, its body gives what came, then the failure.
        let response = try await transport.send(TransportRequest(url: server.baseURL, readsWholeBody: true))
        let (received, error) = await readUntilError(response.body)
        #expect(received == "partial")
        #expect(error?.isNetwork == true, "got \(String(describing: error))")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func aStallInTheBodyThrowsIdleTimeoutFromTheBody(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.send("first"), .pause(.seconds(10)), .send("never")])
        }
        defer { shut(server) }

        let request = TransportRequest(
            url: server.baseURL, timeouts: HTTPTimeouts(firstByte: .seconds(5), idle: .milliseconds(200)), readsWholeBody: true)
        let response = try await transport.send(request)
        let (received, error) = await readUntilError(response.body)
        #expect(received == "first")
        #expect(error == .timeout(.idle))
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)))
    }

    @Test(arguments: TransportUnderTest.allCases)
    func cancellingTheCallerWhileTheBodyIsHeldClosesTheConnection(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.send("first"), .pause(.seconds(30)), .send("never")])
        }
        defer { shut(server) }

        let call = Task {
            let response = try await transport.send(TransportRequest(url: server.baseURL, readsWholeBody: true))
            return try await response.body.collect(upTo: 1024)
        }
        #expect(await server.waitForOpenConnections(1, timeout: .seconds(5)))
        #expect(await server.waitForRequests(1, timeout: .seconds(5)))
        call.cancel()
        let error = await llmError { _ = try await call.value }
        #expect(error == .cancelled)
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)), "the cancelled request closes its connection")
    }
}
