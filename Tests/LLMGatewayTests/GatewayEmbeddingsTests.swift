import Foundation
import LLM
import LLMGateway
import LLMTesting
import NIOHTTP1
import Testing

/// Embeddings through the gateway: each client format's endpoints to each embedding backend (scripted upstreams
/// speaking OpenAI, Gemini and Ollama), refusals in the client's format, and keys, limits and the ledger.
@Suite struct GatewayEmbeddingsTests {
    /// The vector every scripted upstream gives a text: [its length in bytes, 0.5, -0.25].
    static func vector(_ text: String) -> [Float] { [Float(text.utf8.count), 0.5, -0.25] }

    /// Upstreams under /openai, /gemini and /ollama that embed as ``vector(_:)`` says, the OpenAI and Ollama ones
    /// reporting one token a text, the Gemini one reporting none.
    static func upstream() async throws -> StubHTTPServer {
        try await StubHTTPServer.start { request in
            let body = (try? JSONValue(parsing: request.body)) ?? .null
            func numbers(_ text: String) -> JSONValue { .array(vector(text).map { .double(Double($0)) }) }
            if request.path == "/openai/v1/embeddings" {
                let texts = body["input"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let data: [JSONValue] = texts.enumerated().map { index, text in
                    let vector: JSONValue = body["encoding_format"] == "base64" ? .string(FloatBase64.encode(vector(text))) : numbers(text)
                    return ["object": "embedding", "index": .int(index), "embedding": vector]
                }
                return .json(200, (["object": "list", "data": .array(data), "model": "up", "usage": ["prompt_tokens": .int(texts.count), "total_tokens": .int(texts.count)]] as JSONValue).jsonString)
            }
            if request.path == "/gemini/v1beta/models/up:embedContent" {
                let text = body["content"]?["parts"]?.arrayValue?.first?["text"]?.stringValue ?? ""
                return .json(200, (["embedding": ["values": numbers(text)]] as JSONValue).jsonString)
            }
            if request.path == "/gemini/v1beta/models/up:batchEmbedContents" {
                let texts = body["requests"]?.arrayValue?.compactMap { $0["content"]?["parts"]?.arrayValue?.first?["text"]?.stringValue } ?? []
                return .json(200, (["embeddings": .array(texts.map { ["values": numbers($0)] })] as JSONValue).jsonString)
            }
            if request.path == "/ollama/api/embed" {
                let texts = body["input"]?.arrayValue?.compactMap(\.stringValue) ?? []
                return .json(200, (["model": "up", "embeddings": .array(texts.map(numbers)), "prompt_eval_count": .int(texts.count)] as JSONValue).jsonString)
            }
            return .json(404, #"{"error":{"message":"not here"}}"#)
        }
    }

    static func configuration(_ upstream: StubHTTPServer, store: GatewayConfiguration.StoreLocation? = nil) -> GatewayConfiguration {
        let price = GatewayConfiguration.Price(inputPerMTok: 1, outputPerMTok: 0)
        return GatewayConfiguration(
            allowAnonymous: store == nil,
            models: [
                .init(name: "openai-e", targets: [.init(model: "llamacpp/up", baseURL: upstream.baseURL + "/openai/v1", price: price)]),
                .init(name: "gemini-e", targets: [.init(model: "gemini/up", baseURL: upstream.baseURL + "/gemini/v1beta", price: price)]),
                .init(name: "ollama-e", targets: [.init(model: "ollama/up", baseURL: upstream.baseURL + "/ollama", price: price)]),
                .init(name: "anthropic-e", targets: [.init(model: "anthropic/up", baseURL: upstream.baseURL + "/anthropic/v1")]),
                .init(name: "fallback", targets: [
                    .init(model: "anthropic/up", baseURL: upstream.baseURL + "/anthropic/v1"),
                    .init(model: "llamacpp/up", baseURL: upstream.baseURL + "/openai/v1"),
                ]),
            ],
            store: store, masterKeyEnv: store == nil ? nil : "ADMIN")
    }

    /// One way a client asks for embeddings: a path, a body and where its vectors are in the reply.
    struct ClientCall: CustomStringConvertible, Sendable {
        var description: String
        var path: @Sendable (String) -> String
        var body: @Sendable (String, [String]) -> JSONValue
        var vectors: @Sendable (JSONValue) -> [[Float]]?
    }

    static func floats(_ value: JSONValue?) -> [Float]? {
        if let text = value?.stringValue { return FloatBase64.decode(text) }
        return value?.arrayValue?.compactMap { $0.doubleValue.map(Float.init) }
    }

    static let clientCalls: [ClientCall] = [
        ClientCall(
            description: "openai float", path: { _ in "/v1/embeddings" }, body: { ["model": .string($0), "input": .array($1.map { .string($0) })] },
            vectors: { $0["data"]?.arrayValue?.map { floats($0["embedding"]) ?? [] } }),
        ClientCall(
            description: "openai base64", path: { _ in "/v1/embeddings" },
            body: { ["model": .string($0), "input": .array($1.map { .string($0) }), "encoding_format": "base64"] },
            vectors: { $0["data"]?.arrayValue?.map { floats($0["embedding"]) ?? [] } }),
        ClientCall(
            description: "ollama embed", path: { _ in "/api/embed" }, body: { ["model": .string($0), "input": .array($1.map { .string($0) })] },
            vectors: { $0["embeddings"]?.arrayValue?.map { floats($0) ?? [] } }),
        ClientCall(
            description: "gemini batchEmbedContents", path: { "/v1beta/models/\($0):batchEmbedContents" },
            body: { _, texts in ["requests": .array(texts.map { ["content": ["parts": [["text": .string($0)]]]] })] },
            vectors: { $0["embeddings"]?.arrayValue?.map { floats($0["values"]) ?? [] } }),
    ]

    @Test(arguments: ["openai-e", "gemini-e", "ollama-e", "fallback"])
    func everyClientFormatReachesEveryEmbeddingBackend(alias: String) async throws {
        let upstream = try await Self.upstream()
        let gateway = try await RunningGateway.start(Self.configuration(upstream))
        defer { Task { await gateway.stop(); try? await upstream.shutdown() } }
        let texts = ["a", "bb", "a longer text"]
        for call in Self.clientCalls {
            let (status, text, _) = try await exchange(.POST, gateway.baseURL + call.path(alias), call.body(alias, texts))
            #expect(status == 200, "\(call) to \(alias): \(text)")
            let reply = try JSONValue(parsing: text)
            #expect(call.vectors(reply) == texts.map(Self.vector), "\(call) to \(alias): \(text)")
        }
        // The single-text endpoints.
        let single = try JSONValue(parsing: try await exchange(.POST, gateway.baseURL + "/v1beta/models/\(alias):embedContent", ["content": ["parts": [["text": "abc"]]]]).text)
        #expect(Self.floats(single["embedding"]?["values"]) == Self.vector("abc"))
        let legacy = try JSONValue(parsing: try await exchange(.POST, gateway.baseURL + "/api/embeddings", ["model": .string(alias), "prompt": "abcd"]).text)
        #expect(Self.floats(legacy["embedding"]) == Self.vector("abcd"))
        let openAI = try JSONValue(parsing: try await exchange(.POST, gateway.baseURL + "/v1/embeddings", ["model": .string(alias), "input": "x"]).text)
        #expect(openAI["model"] == .string(alias), "clients see the alias")
    }

    /// A backend without embeddings, and requests that cannot be served, are refused in the client's own format; the
    /// refused requests reach no upstream.
    @Test func refusalsComeInTheClientsFormat() async throws {
        let upstream = try await Self.upstream()
        let gateway = try await RunningGateway.start(Self.configuration(upstream))
        defer { Task { await gateway.stop(); try? await upstream.shutdown() } }

        let openAI = try await exchange(.POST, gateway.baseURL + "/v1/embeddings", ["model": "anthropic-e", "input": "x"])
        #expect(openAI.status == 400)
        #expect(try JSONValue(parsing: openAI.text)["error"]?["message"]?.stringValue?.contains("embeddings") == true, "\(openAI.text)")
        let gemini = try await exchange(.POST, gateway.baseURL + "/v1beta/models/anthropic-e:embedContent", ["content": ["parts": [["text": "x"]]]])
        #expect(gemini.status == 400)
        #expect(try JSONValue(parsing: gemini.text)["error"]?["status"] == "INVALID_ARGUMENT", "\(gemini.text)")
        let ollama = try await exchange(.POST, gateway.baseURL + "/api/embed", ["model": "openai-e", "input": [1, 2]])
        #expect(ollama.status == 400)
        #expect(try JSONValue(parsing: ollama.text)["error"]?.stringValue == "input[0] must be a string", "\(ollama.text)")
        let tokens = try await exchange(.POST, gateway.baseURL + "/v1/embeddings", ["model": "openai-e", "input": [[1, 2]]])
        #expect(tokens.status == 400 && tokens.text.contains("token arrays are not supported"), "\(tokens.text)")
        let unknown = try await exchange(.POST, gateway.baseURL + "/v1/embeddings", ["model": "nope", "input": "x"])
        #expect(unknown.status == 404)
        #expect(upstream.requests.isEmpty, "nothing went upstream: \(upstream.requests.map(\.path))")
    }

    /// With keys: the ledger gets a row per request with the upstream's token count (or the estimate when it reports
    /// none) and its cost; a key's rate limit and aliases hold for embeddings too.
    @Test func keysLimitsAndTheLedgerApply() async throws {
        let upstream = try await Self.upstream()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString).sqlite").path
        let store = try await SQLiteGatewayStore.open(path: path)
        let master = "admin-master-key-0123456789"
        let gateway = try await RunningGateway.start(Self.configuration(upstream, store: .sqlite(path: path)), environment: ["ADMIN": master], store: store)
        defer { Task { await gateway.stop(); try? await upstream.shutdown(); try? await store.close() } }

        let created = try JSONValue(parsing: try await exchange(
            .POST, gateway.baseURL + "/admin/keys", ["name": "embedder", "rpm": 2, "budget_usd": 1, "models": ["openai-e", "gemini-e"]], bearer: master).text)
        let secret = try #require(created["key"]?.stringValue)

        let none = try await exchange(.POST, gateway.baseURL + "/v1/embeddings", ["model": "openai-e", "input": "x"])
        #expect(none.status == 401)
        let first = try await exchange(.POST, gateway.baseURL + "/v1/embeddings", ["model": "openai-e", "input": ["a", "b", "c"]], bearer: secret)
        #expect(first.status == 200, "\(first.text)")
        let second = try await exchange(.POST, gateway.baseURL + "/v1beta/models/gemini-e:batchEmbedContents", [
            "requests": [["content": ["parts": [["text": "twelve bytes"]]]], ["content": ["parts": [["text": "four"]]]]],
        ], bearer: secret)
        #expect(second.status == 200, "\(second.text)")
        let limited = try await exchange(.POST, gateway.baseURL + "/api/embed", ["model": "openai-e", "input": "x"], bearer: secret)
        #expect(limited.status == 429, "\(limited.text)")
        #expect(try JSONValue(parsing: limited.text)["error"]?.stringValue != nil, "Ollama's error shape: \(limited.text)")
        let forbidden = try await exchange(.POST, gateway.baseURL + "/api/embed", ["model": "ollama-e", "input": "x"], bearer: secret)
        #expect(forbidden.status == 403)

        let rows = try await store.ledger(LedgerQuery()).sorted { $0.time < $1.time }
        #expect(rows.count == 2, "\(rows)")
        let openAIRow = try #require(rows.first { $0.alias == "openai-e" })
        #expect(openAIRow.inputTokens == 3 && openAIRow.outputTokens == 0, "the upstream's count: \(openAIRow)")
        #expect(openAIRow.cost == Picodollars(dollars: Decimal(3) / 1_000_000))
        #expect(openAIRow.format == "openai-embeddings" && openAIRow.status == 200)
        let geminiRow = try #require(rows.first { $0.alias == "gemini-e" })
        #expect(geminiRow.inputTokens == 4, "Gemini reported none: 12 bytes and 4 bytes, four a token: \(geminiRow)")
    }
}
