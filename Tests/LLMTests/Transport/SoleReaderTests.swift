import LLM
import LLMTesting
import NIOCore
import Testing

/// A second reader of a provider's stream or a transport's body is a programming error that stops the program with
/// a message, never two readers silently sharing the events or bytes.
@Suite struct SoleReaderTests {
    @Test func aSecondIteratorOfAProvidersStreamStopsTheProgram() async throws {
        let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let transport = ReplayTransport([.init(body: "data: [DONE]\n\n")])
            let provider = OpenAIProvider(configuration: OpenAIConfiguration(baseURL: "http://stub/v1"), transport: transport)
            let stream = provider.stream(ChatRequest(model: "m", messages: [.user("x")]))
            _ = stream.makeAsyncIterator()
            _ = stream.makeAsyncIterator()
        }
        #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("An LLMEventStream can be iterated only once"))
    }

    @Test func aSecondIteratorOfATransportsBodyStopsTheProgram() async throws {
        let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
            let response = try await NIOHTTPTransport.shared.send(TransportRequest(url: server.baseURL))
            _ = response.body.makeAsyncIterator()
            _ = response.body.makeAsyncIterator()
        }
        #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("A TransportBody can be iterated only once"))
    }

    @Test func oneIteratorReadsEverything() async throws {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }
        let response = try await NIOHTTPTransport.shared.send(TransportRequest(url: server.baseURL))
        #expect(String(buffer: try await response.body.collect(upTo: 100)) == "{}")
    }

    @Test func aListOfChunksCanBeReadAgain() async throws {
        // Fakes' bodies are values: reading one twice reads the same chunks.
        let body = TransportBody(chunks: [ByteBuffer(string: "a")])
        #expect(String(buffer: try await body.collect(upTo: 10)) == "a")
        #expect(String(buffer: try await body.collect(upTo: 10)) == "a")
    }
}

/// ``AsyncHTTPClientTransport`` asks for compressed bodies only when told to.
@Suite struct AsyncHTTPClientCompressionTests {
    @Test(arguments: [false, true])
    func acceptEncodingIsSentOnlyWhenDecompressionIsOn(_ decompresses: Bool) async throws {
        let server = try await StubHTTPServer.start { _ in .json(200, "{}") }
        defer { shut(server) }
        let transport = AsyncHTTPClientTransport(
            connectTimeout: .seconds(5), decompression: decompresses ? .enabled(limit: .ratio(25)) : .disabled)
        let response = try await transport.send(TransportRequest(url: server.baseURL))
        _ = try await response.body.collect(upTo: 100)
        try await transport.shutdown()

        #expect((server.requests.first?.header("accept-encoding") != nil) == decompresses)
    }
}
