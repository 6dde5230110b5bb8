@testable import LLM
import LLMTesting
import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// What only ``NIOHTTPTransport`` does: keeping connections, TLS, holding back reads. The suites of
/// `HTTPTransportTests` cover what it shares with the other transport.
@Suite("NIOHTTPTransport's connections")
struct NIOHTTPTransportTests {
    @Test func aCompletedResponseLeavesItsConnectionForTheNextRequest() async throws {
        let server = try await StubHTTPServer.start { request in
            request.path == "/sse" ? .sse(["data: 1"]) : .json(200, "{}")
        }
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }

        // A body with a content-length, then a chunked one, then another.
        for path in ["/json", "/sse", "/json"] {
            let body = try await transport.send(TransportRequest(url: server.baseURL + path)).body.collect(upTo: 100)
            #expect(String(buffer: body) == (path == "/sse" ? "data: 1\n\n" : "{}"))
        }
        #expect(server.requests.count == 3)
        #expect(server.totalConnections == 1)
    }

    @Test func aResponseThatAsksToCloseLeavesNoConnectionBehind() async throws {
        let server = try await StubHTTPServer.start { _ in
            StubResponse(headers: ["connection": "close", "content-length": "2"], actions: [.send("{}")])
        }
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }

        for _ in 0..<2 {
            #expect(try await reply(of: transport, to: server.baseURL) == "{}")
        }
        #expect(server.totalConnections == 2)
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)))
    }

    @Test func aConnectionLeftInTheMiddleOfABodyIsClosedNotKept() async throws {
        let server = try await StubHTTPServer.start { request in
            request.path == "/partial" ? StubResponse(actions: [.send("first"), .pause(.seconds(30))]) : .json(200, "{}")
        }
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }

        do {
            let partial = try await transport.send(TransportRequest(url: server.baseURL + "/partial"))
            for try await chunk in partial.body {
                #expect(String(buffer: chunk) == "first")
                break
            }
        }
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)), "leaving the body closes the connection")
        #expect(try await reply(of: transport, to: server.baseURL) == "{}")
        #expect(server.totalConnections == 2)
    }

    @Test func aKeptConnectionThatClosesAfterReadingTheRequestIsNotSentAgain() async throws {
        // The second request goes on the kept connection; the server reads all of it and closes without a word
        // (as a load balancer may while a model thinks). The server may have started a generation: the transport
        // does not send the request again, the caller gets a retryable network error.
        let server = try await serverClosing { $0 == 2 }
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }

        #expect(try await reply(of: transport, to: server.baseURL) == "{}")
        let error = await llmError { _ = try await transport.send(TransportRequest(url: server.baseURL)) }
        #expect(error?.isNetwork == true, "got \(String(describing: error))")
        #expect(error?.isRetryable == true)
        #expect(server.requests.count == 2, "the second request was sent once")
        #expect(server.totalConnections == 1)
        // The caller's next request opens a new connection.
        #expect(try await reply(of: transport, to: server.baseURL) == "{}")
        #expect(server.requests.count == 3)
    }

    @Test func aKeptConnectionFoundClosedBeforeTheWriteIsReplaced() async throws {
        // The request takes the kept connection from the pool while it is still open; before the request's handler
        // runs on the (busy) event loop, the connection closes. Nothing of the request reached the server, so it
        // goes on a new connection.
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let logs = LogRecorder()
        let transport = NIOHTTPTransport(eventLoopGroup: group, logger: logs.logger(label: "llm.transport"))
        defer { transport.shutdown() }
        #expect(try await reply(of: transport, to: server.baseURL) == "{}")
        let origin = try HTTPEndpoint(url: server.baseURL).origin
        // The connection is back in the pool before the caller has the body's end.
        let kept = try #require(transport.pool.keptConnections(to: origin).first)

        let loopBusy = DispatchSemaphore(value: 0)
        kept.eventLoop.execute {
            loopBusy.wait()
            kept.close(promise: nil)
        }
        let second = Task { try await reply(of: transport, to: server.baseURL) }
        // Once the pool has lent the connection, the request's handler is queued behind the busy loop.
        while !transport.pool.keptConnections(to: origin).isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        try await Task.sleep(for: .milliseconds(20))
        loopBusy.signal()

        #expect(try await second.value == "{}")
        #expect(server.requests.count == 2, "each request reached the server once")
        #expect(server.totalConnections == 2, "the second on a new connection")
        #expect(logs.entries.contains { $0.message.hasPrefix("kept connection found closed before the request was written") })
    }

    @Test func aKeptConnectionIsClosedOnceItsIdleTimeoutRunsOut() async throws {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }
        let transport = NIOHTTPTransport(idleConnectionTimeout: .milliseconds(200))
        defer { transport.shutdown() }

        let started = ContinuousClock.now
        #expect(try await reply(of: transport, to: server.baseURL) == "{}")
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)), "closed after 200 ms unused")
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        // The next request opens a new connection.
        #expect(try await reply(of: transport, to: server.baseURL) == "{}")
        #expect(server.totalConnections == 2)
    }

    @Test func noMoreThanTheGivenNumberOfConnectionsIsKeptPerOrigin() async throws {
        // Three requests at once, each on a connection of its own until the server has all three.
        let server = try await StubHTTPServer.start { _ in StubResponse(actions: [.pause(.milliseconds(300)), .send("{}")]) }
        defer { shut(server) }
        let transport = NIOHTTPTransport(maxIdleConnectionsPerOrigin: 2)
        defer { transport.shutdown() }

        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<3 { group.addTask { try await reply(of: transport, to: server.baseURL) } }
            for try await text in group { #expect(text == "{}") }
        }
        #expect(server.totalConnections == 3)
        #expect(await server.waitForOpenConnections(2, timeout: .seconds(5)), "one of the three is closed, two are kept")
        #expect(server.openConnections == 2)
    }

    @Test func shuttingDownClosesTheKeptConnectionsAndKeepsNoMore() async throws {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }
        let transport = NIOHTTPTransport()

        _ = try await transport.send(TransportRequest(url: server.baseURL)).body.collect(upTo: 100)
        #expect(server.openConnections == 1, "kept")
        transport.shutdown()
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)))

        // It still sends, on a connection it closes afterwards.
        #expect(try await reply(of: transport, to: server.baseURL) == "{}")
        #expect(server.totalConnections == 2)
        #expect(await server.waitForOpenConnections(0, timeout: .seconds(5)))
    }

    @Test func theHeadNamesTheHostAndTheBodysLength() async throws {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }

        _ = try await transport.send(TransportRequest(url: server.baseURL + "/a", body: ByteBuffer(string: "12345"))).body.collect(upTo: 100)
        _ = try await transport.send(TransportRequest(url: server.baseURL + "/b")).body.collect(upTo: 100)
        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].header("host") == "127.0.0.1:\(server.port)")
        #expect(requests[0].header("content-length") == "5")
        #expect(requests[0].body == "12345")
        #expect(requests[1].method == "POST")
        #expect(requests[1].header("content-length") == "0", "a POST without a body says so")
    }

    // MARK: TLS

    @Test func httpsWithATrustedCertificateAnswers() async throws {
        let server = try await TLSTestServer.start()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([server.certificate])
        let transport = NIOHTTPTransport(connectTimeout: .seconds(5), tlsConfiguration: tls)
        defer { transport.shutdown() }

        for _ in 0..<2 {
            let response = try await transport.send(TransportRequest(method: .GET, url: "https://localhost:\(server.port)/v1"))
            #expect(response.status == 200)
            #expect(String(buffer: try await response.body.collect(upTo: 100)) == "secure")
        }
        try await server.shutdown()
    }

    @Test func httpsWithAnUntrustedCertificateThrowsNetwork() async throws {
        let server = try await TLSTestServer.start()
        let transport = NIOHTTPTransport(connectTimeout: .seconds(5))
        defer { transport.shutdown() }

        let error = await llmError {
            _ = try await transport.send(TransportRequest(method: .GET, url: "https://localhost:\(server.port)/v1"))
        }
        guard case .network(let reason) = error else {
            Issue.record("expected a network error, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("TLS"))
        try await server.shutdown()
    }

    @Test func aCertificateForAnotherNameIsRefused() async throws {
        // The certificate names localhost; 127.0.0.1 is not in it.
        let server = try await TLSTestServer.start()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([server.certificate])
        let transport = NIOHTTPTransport(connectTimeout: .seconds(5), tlsConfiguration: tls)
        defer { transport.shutdown() }

        let error = await llmError {
            _ = try await transport.send(TransportRequest(method: .GET, url: "https://127.0.0.1:\(server.port)/v1"))
        }
        #expect(error?.isNetwork == true, "got \(String(describing: error))")
        try await server.shutdown()
    }

    #if os(Linux)
    @Test func aTLSHandshakeThatNeverAnswersThrowsConnectTimeout() async throws {
        // The TCP connection completes in the listener's queue; nobody ever answers the TLS hello.
        let listener = try FullBacklogListener(fillingTheQueue: false)
        defer { listener.close() }
        let transport = NIOHTTPTransport(connectTimeout: .milliseconds(300))
        defer { transport.shutdown() }

        let started = ContinuousClock.now
        let error = await llmError {
            _ = try await transport.send(
                TransportRequest(url: "https://127.0.0.1:\(listener.port)/", timeouts: HTTPTimeouts(firstByte: .seconds(10))))
        }
        #expect(error == .timeout(.connect))
        #expect(ContinuousClock.now - started < .seconds(5), "the connect timeout, not the first-byte one, ended it")
    }
    #endif

    // MARK: URLs

    @Test func urlsAreReadIntoOriginAndTarget() throws {
        let plain = try HTTPEndpoint(url: "http://127.0.0.1:8080/v1/chat?beta=1#top")
        #expect(plain.origin == .init(usesTLS: false, host: "127.0.0.1", port: 8080))
        #expect(plain.target == "/v1/chat?beta=1")
        #expect(plain.hostHeader == "127.0.0.1:8080")
        #expect(plain.serverName == nil)

        let secure = try HTTPEndpoint(url: "HTTPS://API.example.com")
        #expect(secure.origin == .init(usesTLS: true, host: "api.example.com", port: 443))
        #expect(secure.target == "/")
        #expect(secure.hostHeader == "api.example.com")
        #expect(secure.serverName == "api.example.com")

        let v6 = try HTTPEndpoint(url: "http://user:secret@[::1]:11434?q")
        #expect(v6.origin == .init(usesTLS: false, host: "::1", port: 11434))
        #expect(v6.target == "/?q")
        #expect(v6.hostHeader == "[::1]:11434")
        #expect(v6.serverName == nil)
    }

    @Test func everyCombinationOfURLPartsIsReadOrRefusedCleanly() {
        // Every combination of these parts, good and bad: a URL is either read into a usable endpoint or refused
        // with a network error that does not quote it.
        let schemes = ["http://", "https://", "HTTPS://", "ftp://", "", "http:/"]
        let userInfos = ["", "user:pass@", "@"]
        let hosts = ["example.com", "127.0.0.1", "[::1]", "[::1", "", "a:b", "[fe80::1]x"]
        let ports = ["", ":", ":80", ":65535", ":65536", ":0", ":8a", ":-1"]
        let rests = ["", "/", "/v1/chat", "?q=1", "#frag", "/a?b#c", "/a:b@c"]
        var read = 0
        for scheme in schemes {
            for userInfo in userInfos {
                for host in hosts {
                    for port in ports {
                        for rest in rests {
                            let url = scheme + userInfo + host + port + rest
                            do {
                                let endpoint = try HTTPEndpoint(url: url)
                                read += 1
                                let origin = endpoint.origin
                                #expect(!origin.host.isEmpty && (1...65535).contains(origin.port), "\(url)")
                                #expect(endpoint.target.hasPrefix("/") && !endpoint.target.contains("#"), "\(url)")
                                #expect(origin.usesTLS == scheme.lowercased().hasPrefix("https"), "\(url)")
                                #expect(!endpoint.hostHeader.contains("@") && !endpoint.hostHeader.contains("/"), "\(url)")
                            } catch {
                                guard case .network(let reason) = error else {
                                    Issue.record("\(url): \(error)")
                                    continue
                                }
                                #expect(reason.hasPrefix("invalid URL") && (url.count < 16 || !reason.contains(url)), "\(url)")
                            }
                        }
                    }
                }
            }
        }
        #expect(read > 100, "the good combinations are read")
    }

    @Test(arguments: ["ftp://example.com/", "example.com/v1", "http:///v1", "http://host:99999/", "http://host:8a/", "http://[::1/"])
    func badURLsThrowNetworkWithoutQuotingThem(_ url: String) {
        #expect {
            _ = try HTTPEndpoint(url: url)
        } throws: { error in
            guard case .network(let reason) = error as? LLMError else { return false }
            return reason.hasPrefix("invalid URL") && !reason.contains(url)
        }
    }

    /// A server that answers `{}`, except to the requests whose number (from 1) `closes` picks: it reads those and
    /// closes the connection without a word.
    private func serverClosing(on closes: @escaping @Sendable (Int) -> Bool) async throws -> StubHTTPServer {
        let seen = NIOLockedValueBox(0)
        return try await StubHTTPServer.start { _ in
            let number = seen.withLockedValue { count in
                count += 1
                return count
            }
            return closes(number) ? StubResponse(actions: [.closeConnection]) : .json(200, "{}")
        }
    }

    /// The body of the response to a request to `url`, as text.
    private func reply(of transport: NIOHTTPTransport, to url: String) async throws -> String {
        String(buffer: try await transport.send(TransportRequest(url: url)).body.collect(upTo: 1024))
    }
}
