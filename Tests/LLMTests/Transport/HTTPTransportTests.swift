import LLM
import LLMTesting
import NIOCore
import NIOHTTP1
import Testing

/// What every ``HTTPTransport`` of the library must do, run against each of them.
@Suite("HTTP transports against the stub server")
struct HTTPTransportTests {
    // MARK: Happy path

    @Test(arguments: TransportUnderTest.allCases)
    func streamsStatusHeadersAndChunksInOrder(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(
                status: 201,
                headers: ["x-stub": "yes"],
                actions: [.send("one "), .pause(.milliseconds(30)), .send("two "), .pause(.milliseconds(30)), .send("three")]
            )
        }
        defer { shut(server) }

        let response = try await transport.send(TransportRequest(method: .GET, url: server.baseURL + "/stream"))
        #expect(response.status == 201)
        #expect(response.headers.first(name: "x-stub") == "yes")
        var text = ""
        var chunks = 0
        for try await chunk in response.body {
            text += String(buffer: chunk)
            chunks += 1
        }
        #expect(text == "one two three")
        #expect(chunks >= 2, "the pauses split the body, so it cannot arrive as one chunk")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func requestMethodPathHeadersAndBodyReachTheServer(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in .json(200, #"{"ok":true}"#) }
        defer { shut(server) }

        let request = TransportRequest(
            url: server.baseURL + "/v1/chat?beta=1",
            headers: ["authorization": "Bearer sk-test", "content-type": "application/json"],
            body: ByteBuffer(string: #"{"model":"m"}"#)
        )
        let response = try await transport.send(request)
        let body = try await response.body.collect(upTo: 1024)
        #expect(String(buffer: body) == #"{"ok":true}"#)

        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.uri == "/v1/chat?beta=1")
        #expect(received.path == "/v1/chat")
        #expect(received.header("Authorization") == "Bearer sk-test")
        #expect(received.header("content-type") == "application/json")
        #expect(received.body == #"{"model":"m"}"#)
    }

    @Test(arguments: TransportUnderTest.allCases)
    func serverSentEventsArriveWhole(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in .sse(["data: 1", "event: ping\ndata: {}"]) }
        defer { shut(server) }

        let response = try await transport.send(TransportRequest(url: server.baseURL + "/sse"))
        #expect(response.headers.first(name: "content-type") == "text/event-stream")
        let body = try await response.body.collect(upTo: 1024)
        #expect(String(buffer: body) == "data: 1\n\nevent: ping\ndata: {}\n\n")
    }

    @Test(arguments: TransportUnderTest.allCases, [
        ("authorization", "Bearer sk-secret\r\nx-injected: 1"), ("x-injected: 1\r\nauthorization", "Bearer sk-secret"),
    ])
    func aHeaderThatWouldSplitTheRequestIsRefusedWithoutQuotingIt(_ kind: TransportUnderTest, _ header: (String, String)) async throws {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }

        let request = TransportRequest(url: server.baseURL, headers: HTTPHeaders([header]))
        let error = await llmError { _ = try await kind.shared.send(request) }
        #expect(error == .network(reason: header.0.contains("\n") ? "invalid header field names" : "invalid header field values"))
        #expect(!String(describing: error).contains("sk-secret"))
        #expect(server.requests.allSatisfy { $0.header("x-injected") == nil }, "nothing was smuggled into the request")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func aReaderThatFallsBehindHoldsTheServerBackThenGetsEveryByte(_ kind: TransportUnderTest) async throws {
        // 32 MiB: far more than the transport's 256 KiB and the sockets' buffers together.
        let piece = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let pieces = 512
        let server = try await StubHTTPServer.start { _ in StubResponse(actions: Array(repeating: .sendBytes(piece), count: pieces)) }
        defer { shut(server) }
        let transport = kind.make(connectTimeout: .seconds(5))

        let response = try await transport.send(TransportRequest(url: server.baseURL))
        // Nobody reads yet: the transport stops reading the socket, the buffers fill and the server's writes wait.
        // Reading on regardless would take the whole body in well under a second.
        let total = piece.count * pieces
        #expect(await !waitUntil(timeout: .seconds(2)) { server.bodyBytesWritten == total }, "the server was held back")
        #expect(server.bodyBytesWritten > 256 * 1024)

        var received: [UInt8] = []
        received.reserveCapacity(total)
        for try await chunk in response.body {
            received += chunk.readableBytesView
        }
        #expect(received.count == total)
        #expect(received == Array(repeating: piece, count: pieces).flatMap { $0 })

        // The connection was kept reading after its pauses: it serves the next request.
        let again = try await transport.send(TransportRequest(url: server.baseURL)).body.collect(upTo: total)
        #expect(again.readableBytes == total)
        #expect(server.totalConnections == 1)
        try await transport.shutdown()
    }

    // MARK: Timeouts

    @Test(arguments: TransportUnderTest.allCases)
    func slowHeadThrowsFirstByteTimeout(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.pause(.seconds(10)), .send("late")])
        }
        defer { shut(server) }

        let request = TransportRequest(url: server.baseURL, timeouts: HTTPTimeouts(firstByte: .milliseconds(200)))
        let error = await llmError { _ = try await transport.send(request) }
        #expect(error == .timeout(.firstByte))
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)), "the timed-out request closes its connection")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func stallBetweenChunksThrowsIdleTimeout(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.send("first"), .pause(.seconds(10)), .send("never")])
        }
        defer { shut(server) }

        // The idle limit is far shorter than the first-byte one: it must apply as soon as the head is in.
        let request = TransportRequest(url: server.baseURL, timeouts: HTTPTimeouts(firstByte: .seconds(5), idle: .milliseconds(200)))
        let started = ContinuousClock.now
        let response = try await transport.send(request)
        let (received, error) = await readUntilError(response.body)
        #expect(received == "first")
        #expect(error == .timeout(.idle))
        #expect(ContinuousClock.now - started < .seconds(4), "the idle limit, not the first-byte one, ended the wait")
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)))
    }

    @Test(arguments: TransportUnderTest.allCases)
    func idleClockRestartsWithEveryChunk(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        // 8 gaps of 100 ms: longer than the idle limit in total, each well under it.
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: (0..<8).flatMap { i in [.send("\(i)"), .pause(.milliseconds(100))] })
        }
        defer { shut(server) }

        let request = TransportRequest(url: server.baseURL, timeouts: HTTPTimeouts(firstByte: .seconds(5), idle: .milliseconds(600)))
        let body = try await transport.send(request).body.collect(upTo: 1024)
        #expect(String(buffer: body) == "01234567")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func endlessTrickleThrowsTotalTimeout(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: (0..<400).flatMap { _ in [.send("."), .pause(.milliseconds(25))] })
        }
        defer { shut(server) }

        let request = TransportRequest(
            url: server.baseURL,
            // The trickle lasts 10 s; 2 s leaves room for a loaded machine to deliver the head first.
            timeouts: HTTPTimeouts(firstByte: .seconds(5), idle: .seconds(5), total: .seconds(2))
        )
        let response = try await transport.send(request)
        var received = 0
        let error = await llmError {
            for try await chunk in response.body { received += chunk.readableBytes }
        }
        #expect(error == .timeout(.total))
        #expect(received > 0 && received < 400)
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)))
    }

    @Test(arguments: TransportUnderTest.allCases)
    func totalTimeoutAlsoCoversTheWaitForTheHead(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in StubResponse(actions: [.pause(.seconds(10))]) }
        defer { shut(server) }

        let request = TransportRequest(url: server.baseURL, timeouts: HTTPTimeouts(total: .milliseconds(200)))
        let error = await llmError { _ = try await transport.send(request) }
        #expect(error == .timeout(.total))
    }

    // MARK: Broken connections

    @Test(arguments: TransportUnderTest.allCases, [StubResponse.Action.closeConnection, .resetConnection])
    func connectionLostMidBodyThrowsNetwork(_ kind: TransportUnderTest, _ loss: StubResponse.Action) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.send("partial"), .pause(.milliseconds(50)), loss])
        }
        defer { shut(server) }

        let response = try await transport.send(TransportRequest(url: server.baseURL))
        let (received, error) = await readUntilError(response.body)
        #expect(received == "partial")
        #expect(error?.isNetwork == true, "got \(String(describing: error))")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func connectionLostBeforeContentLengthIsReachedThrowsNetwork(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(headers: ["content-length": "100"], actions: [.send("only ten.."), .pause(.milliseconds(50)), .closeConnection])
        }
        defer { shut(server) }

        let response = try await transport.send(TransportRequest(url: server.baseURL))
        let error = await llmError { _ = try await response.body.collect(upTo: 1000) }
        #expect(error?.isNetwork == true, "got \(String(describing: error))")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func connectionClosedBeforeTheHeadThrowsNetwork(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in StubResponse(actions: [.closeConnection]) }
        defer { shut(server) }

        let error = await llmError { _ = try await transport.send(TransportRequest(url: server.baseURL)) }
        #expect(error?.isNetwork == true, "got \(String(describing: error))")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func refusedConnectionThrowsNetwork(_ kind: TransportUnderTest) async throws {
        let refusing = try RefusingPort()
        defer { refusing.release() }
        let port = refusing.port
        let transport = kind.make(connectTimeout: .seconds(5))
        let error = await llmError {
            _ = try await transport.send(TransportRequest(url: "http://127.0.0.1:\(port)/"))
        }
        try await transport.shutdown()
        guard case .network(let reason) = error else {
            Issue.record("expected a network error, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("refused"))
    }

    @Test(arguments: TransportUnderTest.allCases)
    func refusedConnectionOnTheSharedTransportFailsAtOnce(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        // The shared transport does not retry a refused connection (HTTPClient.shared would, for
        // 90 seconds): a local server that is down is reported long before any time limit.
        let refusing = try RefusingPort()
        defer { refusing.release() }
        let port = refusing.port
        let request = TransportRequest(url: "http://127.0.0.1:\(port)/", timeouts: HTTPTimeouts(firstByte: .seconds(60)))
        let error = await llmError { _ = try await transport.send(request) }
        guard case .network(let reason) = error else {
            Issue.record("expected a network error, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("refused"))
    }

    #if os(Linux)
    @Test(arguments: TransportUnderTest.allCases)
    func unansweredConnectThrowsConnectTimeout(_ kind: TransportUnderTest) async throws {
        // On Linux a listener whose accept queue is full drops new SYNs, so the connect hangs.
        let listener = try FullBacklogListener()
        defer { listener.close() }
        let transport = kind.make(connectTimeout: .milliseconds(300))
        let error = await llmError {
            _ = try await transport.send(
                TransportRequest(url: "http://127.0.0.1:\(listener.port)/", timeouts: HTTPTimeouts(firstByte: .seconds(10)))
            )
        }
        try await transport.shutdown()
        #expect(error == .timeout(.connect))
    }
    #endif

    // MARK: Cancellation

    @Test(arguments: TransportUnderTest.allCases)
    func cancellingTheReaderClosesTheConnection(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.send("first"), .pause(.seconds(30)), .send("never")])
        }
        defer { shut(server) }

        let (firstChunk, firstChunkArrived) = AsyncStream.makeStream(of: Void.self)
        let reader = Task {
            let response = try await transport.send(TransportRequest(url: server.baseURL))
            for try await _ in response.body { firstChunkArrived.yield() }
        }
        var signals = firstChunk.makeAsyncIterator()
        _ = await signals.next()
        #expect(server.openConnections == 1)

        reader.cancel()
        let error = await llmError { try await reader.value }
        #expect(error == .cancelled)
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)), "cancelling closes the connection")
    }

    @Test(arguments: TransportUnderTest.allCases)
    func cancellingWhileWaitingForTheHeadClosesTheConnection(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in StubResponse(actions: [.pause(.seconds(30))]) }
        defer { shut(server) }

        let sender = Task { _ = try await transport.send(TransportRequest(url: server.baseURL)) }
        #expect(await server.waitForRequests(1, timeout: .seconds(5)))

        sender.cancel()
        let error = await llmError { try await sender.value }
        #expect(error == .cancelled)
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)))
    }

    @Test(arguments: TransportUnderTest.allCases)
    func droppingAnUnreadBodyClosesTheConnection(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        let server = try await StubHTTPServer.start { _ in
            StubResponse(actions: [.send("first"), .pause(.seconds(30))])
        }
        defer { shut(server) }

        do {
            let response = try await transport.send(TransportRequest(url: server.baseURL))
            #expect(response.status == 200)
        }
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)))
    }

    @Test(arguments: TransportUnderTest.allCases)
    func twoHundredCancelledRequestsLeaveNoConnectionOpen(_ kind: TransportUnderTest) async throws {
        let transport = kind.shared
        // Even requests stall before the head, odd ones in the middle of the body.
        let server = try await StubHTTPServer.start { request in
            request.path.hasSuffix("/head")
                ? StubResponse(actions: [.pause(.seconds(30))])
                : StubResponse(actions: [.send("x"), .pause(.seconds(30))])
        }
        defer { shut(server) }

        let batch = 8  // AsyncHTTPClient's default connections per host
        for start in stride(from: 0, to: 200, by: batch) {
            let tasks = (start..<start + batch).map { index in
                Task {
                    let path = index.isMultiple(of: 2) ? "/head" : "/body"
                    let response = try await transport.send(TransportRequest(url: server.baseURL + path))
                    for try await _ in response.body {}
                }
            }
            let allArrived = await server.waitForRequests(start + batch, timeout: .seconds(10))
            for task in tasks { task.cancel() }
            var allCancelled = true
            for task in tasks {
                let error = await llmError { try await task.value }
                allCancelled = allCancelled && error == .cancelled
            }
            // Stop at the first bad batch rather than repeat the failure 25 times.
            try #require(allArrived && allCancelled, "batch starting at request \(start)")
        }
        #expect(server.requests.count == 200)
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(10)))
    }

    // MARK: Owned client

    @Test(arguments: TransportUnderTest.allCases)
    func ownedClientSendsAndShutsDown(_ kind: TransportUnderTest) async throws {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }

        let transport = kind.make(connectTimeout: .seconds(2))
        let body = try await transport.send(TransportRequest(url: server.baseURL)).body.collect(upTo: 100)
        #expect(String(buffer: body) == "{}")
        try await transport.shutdown()
        try await transport.shutdown()  // a second call does nothing
    }

    @Test func theLibrarysClientsShareOneEventLoop() {
        // One loop, so AsyncHTTPClient never hands a response to its delegate across threads (see the type's docs).
        let loops = Array(AsyncHTTPClientTransport.eventLoopGroup.makeIterator())
        #expect(loops.count == 1)
    }
}
