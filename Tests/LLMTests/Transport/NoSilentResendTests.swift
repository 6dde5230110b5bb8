import LLM
import LLMTesting
import NIOConcurrencyHelpers
import Testing

/// A model call the server may have received is sent again only when the caller's ``RetryPolicy`` says so: a
/// second send is a second generation and a second bill. The server here answers the first call, then reads
/// each later one in full and closes the connection without a word, as a load balancer may while a model thinks.
@Suite struct NoSilentResendTests {
    static let reply = #"{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#

    func closingAfterTheFirstCall() async throws -> StubHTTPServer {
        let seen = NIOLockedValueBox(0)
        return try await StubHTTPServer.start { _ in
            let number = seen.withLockedValue { count in
                count += 1
                return count
            }
            return number == 1 ? .json(200, Self.reply) : StubResponse(actions: [.closeConnection])
        }
    }

    func provider(_ server: StubHTTPServer, transport: NIOHTTPTransport, retry: RetryPolicy) -> OpenAIProvider {
        OpenAIProvider(
            configuration: OpenAIConfiguration(name: "stub", baseURL: server.baseURL + "/v1", retryPolicy: retry),
            transport: transport, retryClock: RecordingRetryClock())
    }

    @Test func aCallOnAKeptConnectionThatBreaksAfterTheRequestIsSentOnceWithoutRetries() async throws {
        let server = try await closingAfterTheFirstCall()
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }
        let provider = provider(server, transport: transport, retry: .none)

        #expect(try await provider.complete(ChatRequest(model: "m", messages: [.user("one")])).content == "hi")
        let error = await llmError { _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("two")])) }

        #expect(error?.isNetwork == true, "got \(String(describing: error))")
        #expect(error?.isRetryable == true)
        #expect(server.requests.map(\.body).filter { $0.contains("two") }.count == 1, "RetryPolicy.none: sent once")
        #expect(server.requests.count == 2)
    }

    @Test func aCallThatBreaksAfterTheRequestIsSentMaxAttemptsTimes() async throws {
        let server = try await closingAfterTheFirstCall()
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }
        let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(1))
        let provider = provider(server, transport: transport, retry: policy)

        #expect(try await provider.complete(ChatRequest(model: "m", messages: [.user("one")])).content == "hi")
        let error = await llmError { _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("two")])) }

        #expect(error?.isNetwork == true, "got \(String(describing: error))")
        #expect(server.requests.map(\.body).filter { $0.contains("two") }.count == 3, "once per attempt of the policy")
    }

    @Test func aStreamOnAKeptConnectionThatBreaksAfterTheRequestIsSentOnce() async throws {
        let server = try await closingAfterTheFirstCall()
        defer { shut(server) }
        let transport = NIOHTTPTransport()
        defer { transport.shutdown() }
        let provider = provider(server, transport: transport, retry: .none)

        _ = try await provider.complete(ChatRequest(model: "m", messages: [.user("one")]))
        let error = await llmError {
            for try await _ in provider.stream(ChatRequest(model: "m", messages: [.user("two")])) {}
        }

        #expect(error?.isNetwork == true, "got \(String(describing: error))")
        #expect(server.requests.count == 2)
    }
}
