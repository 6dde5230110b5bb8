import Foundation
import LLM
import LLMTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Testing

/// Each provider's embeddings on the wire: the request it sends and the replies of the official references it reads.
@Suite struct EmbeddingProviderTests {
    @Test func openAIAsksForBase64AndReadsItInInputOrder() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("embeddings/openai-embeddings-base64.json"))])
        let provider = OpenAIProvider(configuration: .init(name: "openai", baseURL: "http://stub/v1", apiKey: "sk-SECRET"), transport: transport)
        let reply = try await provider.embed(EmbeddingRequest(
            model: "text-embedding-3-small", inputs: ["a", "b"], dimensions: 3, extraFields: ["user": "u-1", "model": "other"]))
        #expect(reply.vectors == [[1, -2.5, 0.1], [3, 0, -1e-7]])
        #expect(reply.usage == Usage(inputTokens: 4))
        #expect(reply.model == "text-embedding-3-small")
        #expect(reply.cost()?.total == Decimal(4) * Decimal(string: "0.02")! / 1_000_000)
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://stub/v1/embeddings")
        #expect(request.headers.first(name: "authorization") == "Bearer sk-SECRET")
        #expect(transport.requestBodies.first == [
            "model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "base64", "dimensions": 3, "user": "u-1",
        ])
    }

    @Test func openAIReadsNumbersSortedByIndex() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("embeddings/openai-embeddings-float.json"), chunkSize: 7)])
        let provider = OpenAIProvider(configuration: .init(name: "openai", baseURL: "http://stub/v1"), transport: transport)
        let reply = try await provider.embed(EmbeddingRequest(model: "m", inputs: ["x", "y"], encoding: .float))
        #expect(reply.vectors == [[-0.006929283495992422, -0.005336422007530928, -4.547132266452536e-05], [0.5, -0.25, 0.125]])
        #expect(transport.requestBodies.first?["encoding_format"] == "float")
    }

    @Test func base64WithEscapedSlashesIsRead() async throws {
        let values = [Float(bitPattern: 0x3FFF_FFFF), 3]
        let text = FloatBase64.encode(values)
        try #require(text.contains("/"))
        let escaped = text.replacingOccurrences(of: "/", with: "\\/")
        let body = #"{"data":[{"index":0,"embedding":"\#(escaped)"}],"model":"m"}"#
        let provider = OpenAIProvider(configuration: .init(name: "openai", baseURL: "http://stub/v1"), transport: ReplayTransport([.init(body: body)]))
        #expect(try await provider.embed(["x"], model: "m").vectors == [values])
    }

    @Test func aReplyWithTheWrongNumberOfVectorsOrBadVectorsIsMalformed() async throws {
        for body in [
            #"{"data":[{"index":0,"embedding":[1]}]}"#, #"{"data":[{"index":0,"embedding":"!!!!"},{"index":1,"embedding":[1]}]}"#,
            #"{"data":[{"index":0,"embedding":["1"]},{"index":1,"embedding":[1]}]}"#,
        ] {
            let provider = OpenAIProvider(
                configuration: .init(name: "openai", baseURL: "http://stub/v1", retryPolicy: .none), transport: ReplayTransport([.init(body: body)]))
            do {
                _ = try await provider.embed(["a", "b"], model: "m")
                Issue.record("\(body) must not be read as two embeddings")
            } catch let error as LLMError {
                #expect(error.kind == "malformed_response", "\(body): \(error)")
            }
        }
    }

    @Test func openAIErrorsAreTypedAndRetried() async throws {
        let transport = ReplayTransport([
            .init(status: 429, headers: ["retry-after": "0"], body: #"{"error":{"message":"slow down","type":"rate_limit"}}"#),
            .init(body: try Fixtures.text("embeddings/openai-embeddings-float.json")),
            .init(status: 401, body: #"{"error":{"message":"Incorrect API key provided: sk-SECRET","type":"invalid_request_error","code":"invalid_api_key"}}"#),
        ])
        let clock = RecordingRetryClock()
        let provider = OpenAIProvider(
            configuration: .init(name: "openai", baseURL: "http://stub/v1", apiKey: "sk-SECRET", retryPolicy: RetryPolicy(maxAttempts: 2)),
            transport: transport, retryClock: clock)
        #expect(try await provider.embed(["x", "y"], model: "m").embeddings.count == 2)
        #expect(transport.requests.count == 2)
        do {
            _ = try await provider.embed(EmbeddingRequest(model: "m", inputs: ["x"], retryPolicy: RetryPolicy.none))
            Issue.record("a 401 must throw")
        } catch let error as LLMError {
            #expect(error.kind == "authentication")
            #expect(!"\(error)".contains("sk-SECRET"), "the key is masked: \(error)")
        }
    }

    @Test func geminiEmbedsOneTextWithEmbedContentAndSeveralWithABatch() async throws {
        let transport = ReplayTransport([
            .init(body: try Fixtures.text("embeddings/gemini-embed-content.json")),
            .init(body: try Fixtures.text("embeddings/gemini-batch-embed-contents.json"), chunkSize: 3),
        ])
        let provider = GeminiProvider(configuration: GeminiConfiguration(baseURL: "http://stub/v1beta", apiKey: "g-SECRET"), transport: transport)
        let one = try await provider.embed(EmbeddingRequest(model: "gemini-embedding-001", inputs: ["hello"], dimensions: 4, taskType: .retrievalQuery))
        #expect(one.vectors == [[0.013168523, -0.008711934, -0.046782676, 0.00069968984]])
        #expect(one.usage == Usage())
        let two = try await provider.embed(EmbeddingRequest(model: "gemini-embedding-001", inputs: ["a", "b"], taskType: .retrievalDocument))
        #expect(two.vectors.count == 2 && two.vectors[1] == [-0.021524114, 0.0052325404, -0.03131211, 0.010402117])
        #expect(two.usage == Usage(inputTokens: 11))
        #expect(transport.requests.map(\.url) == [
            "http://stub/v1beta/models/gemini-embedding-001:embedContent", "http://stub/v1beta/models/gemini-embedding-001:batchEmbedContents",
        ])
        #expect(transport.requests.first?.headers.first(name: "x-goog-api-key") == "g-SECRET")
        #expect(transport.requestBodies[0] == ["content": ["parts": [["text": "hello"]]], "taskType": "RETRIEVAL_QUERY", "outputDimensionality": 4])
        #expect(transport.requestBodies[1] == ["requests": [
            ["model": "models/gemini-embedding-001", "content": ["parts": [["text": "a"]]], "taskType": "RETRIEVAL_DOCUMENT"],
            ["model": "models/gemini-embedding-001", "content": ["parts": [["text": "b"]]], "taskType": "RETRIEVAL_DOCUMENT"],
        ]])
    }

    @Test func ollamaEmbedsWithApiEmbed() async throws {
        let transport = ReplayTransport([.init(body: try Fixtures.text("embeddings/ollama-embed.json"))])
        let provider = OllamaProvider(configuration: OllamaConfiguration(host: "http://stub:11434"), transport: transport)
        let reply = try await provider.embed(EmbeddingRequest(model: "all-minilm", inputs: ["a", "b"], dimensions: 5))
        #expect(reply.vectors[0] == [0.010071029, -0.0017594862, 0.05007221, 0.04692972, 0.054916814])
        #expect(reply.usage == Usage(inputTokens: 8))
        #expect(transport.requests.first?.url == "http://stub:11434/api/embed")
        #expect(transport.requestBodies.first == ["model": "all-minilm", "input": ["a", "b"], "dimensions": 5])
    }

    @Test func anthropicSaysEmbeddingsAreUnsupportedBeforeSendingAnything() async throws {
        let transport = ReplayTransport([])
        let provider = AnthropicProvider(configuration: AnthropicConfiguration(apiKey: "k"), transport: transport)
        #expect(!provider.capabilities.contains(.embeddings))
        await #expect(throws: LLMError.unsupported(feature: "embeddings", provider: "anthropic")) {
            try await provider.embed(["x"], model: "claude")
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func emptyInputIsRefusedBeforeSendingAnything() async throws {
        let transport = ReplayTransport([])
        let provider = OpenAIProvider(configuration: .init(name: "openai", baseURL: "http://stub/v1"), transport: transport)
        await #expect(throws: LLMError.self) { try await provider.embed([], model: "m") }
        #expect(transport.requests.isEmpty)
    }

    /// Many inputs go in calls of at most `maxInputsPerCall`, no more than `maxConcurrentCalls` at once, and come back
    /// in input order whatever order the calls finish in.
    @Test func manyInputsAreSplitIntoBoundedConcurrentCallsAndKeptInOrder() async throws {
        let transport = EchoEmbeddingTransport()
        let provider = OpenAIProvider(configuration: .init(name: "openai", baseURL: "http://stub/v1"), transport: transport)
        let inputs = (0..<23).map { "text number \($0)" }
        let reply = try await provider.embed(EmbeddingRequest(model: "m", inputs: inputs, maxInputsPerCall: 4, maxConcurrentCalls: 2))
        #expect(reply.vectors == inputs.map { [Float($0.utf8.count), Float(Int($0.split(separator: " ").last!)!)] })
        #expect(reply.usage.inputTokens == 23)
        #expect(transport.calls == 6)
        #expect(transport.mostAtOnce == 2)
    }

    @Test func oneFailingCallFailsTheWholeRequest() async throws {
        let transport = EchoEmbeddingTransport(failOn: "text number 9")
        let provider = OpenAIProvider(configuration: .init(name: "openai", baseURL: "http://stub/v1", retryPolicy: .none), transport: transport)
        await #expect(throws: LLMError.self) {
            try await provider.embed(EmbeddingRequest(model: "m", inputs: (0..<12).map { "text number \($0)" }, maxInputsPerCall: 3))
        }
    }
}

/// An OpenAI-compatible server that answers each input with [its length in bytes, the number it ends with], after a
/// pause that makes later calls finish first; it counts the calls in flight.
final class EchoEmbeddingTransport: HTTPTransport, @unchecked Sendable {
    private let state = NIOLockedValueBox((calls: 0, inFlight: 0, most: 0))
    let failOn: String?

    init(failOn: String? = nil) { self.failOn = failOn }

    var calls: Int { state.withLockedValue { $0.calls } }
    var mostAtOnce: Int { state.withLockedValue { $0.most } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let number = state.withLockedValue { state in
            state.calls += 1
            state.inFlight += 1
            state.most = max(state.most, state.inFlight)
            return state.calls
        }
        defer { state.withLockedValue { $0.inFlight -= 1 } }
        let body = try JSONValue(parsing: Data(buffer: request.body ?? ByteBuffer()))
        let inputs = body["input"]?.arrayValue?.compactMap(\.stringValue) ?? []
        try await Task.sleep(for: .milliseconds(number.isMultiple(of: 2) ? 5 : 30))
        if let failOn, inputs.contains(failOn) {
            return TransportResponse(status: 400, headers: [:], body: TransportBody(chunks: [ByteBuffer(string: #"{"error":{"message":"no"}}"#)]))
        }
        let data: [JSONValue] = inputs.enumerated().map { index, text in
            ["index": .int(index), "embedding": [.int(text.utf8.count), .int(Int(text.split(separator: " ").last!)!)]]
        }
        let reply: JSONValue = ["data": .array(data), "model": "m", "usage": ["prompt_tokens": .int(inputs.count)]]
        return TransportResponse(status: 200, headers: [:], body: TransportBody(chunks: [ByteBuffer(string: reply.jsonString)]))
    }
}

/// What the review of embeddings found.
@Suite struct EmbeddingReviewTests {
    /// OpenAI refuses more than 300,000 tokens a request: large inputs go in several calls even under 2,048 inputs.
    @Test func openAIBatchesStayUnderATokenBudget() async throws {
        let transport = EchoEmbeddingTransport()
        let provider = OpenAIProvider(configuration: .init(name: "openai", baseURL: "http://stub/v1"), transport: transport)
        let chunk = String(repeating: "word ", count: 20_000)  // 100,000 bytes: about 25,000 tokens
        let inputs = (0..<20).map { chunk + "\($0)" }
        let reply = try await provider.embed(EmbeddingRequest(model: "m", inputs: inputs))
        #expect(reply.embeddings.count == 20 && reply.vectors.map { $0[1] } == (0..<20).map(Float.init))
        #expect(transport.calls == 3, "eight inputs (about 200,000 tokens) a call")
    }

    @Test func numbersBeyondFloatAreMalformedNotInfinite() async throws {
        let body = #"{"data":[{"index":0,"embedding":[1e39, 0.5]}]}"#
        let provider = OpenAIProvider(
            configuration: .init(name: "openai", baseURL: "http://stub/v1", retryPolicy: .none), transport: ReplayTransport([.init(body: body)]))
        await #expect(throws: LLMError.self) { try await provider.embed(["x"], model: "m") }
    }

    @Test func cosineOfExtremeVectorsStaysRight() {
        let huge = Embedding([3e30, 4e30]), tiny = Embedding([3e-30, 4e-30])
        #expect(abs(huge.cosineSimilarity(to: tiny) - 1) < 1e-6)
        #expect(abs(huge.cosineSimilarity(to: Embedding([-4e30, 3e30]))) < 1e-6)
    }

    @Test func geminiRequestsKeepTheirOtherMembers() throws {
        let single = try GeminiEmbedServerRequest(decoding: ["content": ["parts": [["text": "a"]]], "title": "Doc"], model: "e", batch: false)
        #expect(single.request.extraFields == ["title": "Doc"])
        let batch = try GeminiEmbedServerRequest(
            decoding: ["requests": [["content": ["parts": [["text": "a"]]], "title": "T", "x": 1], ["content": ["parts": [["text": "b"]]], "title": "T", "x": 2]]],
            model: "e", batch: true)
        #expect(batch.request.extraFields == ["title": "T"], "only what every request has alike")
    }
}
