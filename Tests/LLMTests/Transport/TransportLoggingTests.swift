import LLM
import LLMTesting
import Logging
import Testing

/// The transport and the retry runner say what they do through swift-log, at debug and trace level, and never
/// with a key.
@Suite struct TransportLoggingTests {
    static let key = "sk-log-KEY-0123456789abcdefXYZ"

    @Test func connectionsAndRequestsAreLoggedWithoutCredentials() async throws {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }
        let logs = LogRecorder()
        let transport = NIOHTTPTransport(logger: logs.logger(label: "llm.transport"))
        defer { transport.shutdown() }

        for _ in 0..<2 {
            let response = try await transport.send(TransportRequest(
                url: server.baseURL + "/v1/x?key=\(Self.key)", headers: ["authorization": "Bearer \(Self.key)"],
                body: .init(string: "{}")))
            _ = try await response.body.collect(upTo: 100)
        }

        let messages = logs.entries.map(\.message)
        #expect(messages.filter { $0 == "connection opened" }.count == 1)
        #expect(messages.filter { $0 == "connection reused" }.count == 1)
        #expect(messages.filter { $0 == "connection kept" }.count == 2)
        #expect(messages.filter { $0 == "request sent" }.count == 2)
        #expect(messages.filter { $0 == "response head" }.count == 2)
        let ended = try #require(logs.entries.last { $0.message == "response ended" })
        #expect(ended.metadata["body_bytes"] == "2")
        #expect(ended.metadata["total_ms"] != nil)
        #expect(logs.entries.first { $0.message == "request sent" }?.metadata["url"]?.contains("key=sk-…XYZ") == true)
        #expect(logs.entries.allSatisfy { $0.level <= .debug }, "nothing above debug")
        #expect(!logs.allText.contains(Self.key))
    }

    @Test func aFailedRequestIsLogged() async throws {
        let logs = LogRecorder()
        let transport = NIOHTTPTransport(logger: logs.logger(label: "llm.transport"))
        defer { transport.shutdown() }
        let refusing = try RefusingPort()
        defer { refusing.release() }
        let port = refusing.port

        _ = await llmError { _ = try await transport.send(TransportRequest(url: "http://127.0.0.1:\(port)")) }

        let failed = try #require(logs.entries.first { $0.message == "connection failed" })
        #expect(failed.metadata["error"] == "network")
        #expect(logs.entries.contains { $0.message == "request failed" && $0.metadata["reason"] == "connection refused" })
    }

    @Test func retryDecisionsAreLogged() async throws {
        let logs = LogRecorder()
        let runner = RetryRunner(
            policy: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1)), clock: RecordingRetryClock(),
            logger: logs.logger(label: "llm.retry"))

        _ = await llmError { _ = try await runner.run { _ in throw LLMError.network(reason: "connection reset by peer") } }

        let decisions = logs.entries.map(\.message)
        #expect(decisions == ["retrying", "giving up"])
        #expect(logs.entries.first?.metadata["attempt"] == "1")
        #expect(logs.entries.first?.metadata["error"] == "network")
    }
}
