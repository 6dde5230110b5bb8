import Foundation
import LLM
import LLMGateway
import Testing

/// Embeddings from the REAL llama.cpp server started with `--embeddings` (scripts/local-model.sh, port 8083): the
/// library's vectors against what the OFFICIAL `openai` SDK gets from the same server for the same texts, and the
/// gateway in front of it reached by the `openai`, `ollama` and `google-genai` SDKs' embedding calls.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: ProcessInfo.processInfo.environment["LLM_E2E_EMBEDDINGS_BASE_URL"] != nil, "scripts/test.sh starts the local embeddings server"))
struct EmbeddingsEndToEndTests {
    static let baseURL = ProcessInfo.processInfo.environment["LLM_E2E_EMBEDDINGS_BASE_URL"] ?? ""
    static let texts = ["The cat sat on the mat.", "A kitten rested on the rug.", "Quarterly tax filings are due in April."]

    static func vectors(_ results: [String: JSONValue]) throws -> [[Float]] {
        try #require(results["vectors"]?.arrayValue).map { try #require($0.arrayValue).map { Float($0.doubleValue ?? .nan) } }
    }

    /// The same texts give the same vectors, to a float's rounding of the server's own output.
    static func expectSame(_ mine: [[Float]], _ theirs: [[Float]], _ what: String) {
        #expect(mine.count == theirs.count, "\(what)")
        for (a, b) in zip(mine, theirs) {
            #expect(a.count == b.count && a.count > 100, "\(what): \(a.count) and \(b.count) dimensions")
            let largest = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
            #expect(largest < 1e-5, "\(what): the vectors differ by up to \(largest)")
        }
    }

    @Test func theLibraryGetsTheVectorsTheOpenAISDKGets() async throws {
        let provider = OpenAIProvider(configuration: OpenAIConfiguration(name: "llamacpp", baseURL: Self.baseURL))
        let base64 = try await provider.embed(EmbeddingRequest(model: "smol", inputs: Self.texts))
        let numbers = try await provider.embed(EmbeddingRequest(model: "smol", inputs: Self.texts, encoding: .float))
        #expect(base64.vectors == numbers.vectors, "base64 and JSON numbers carry the same floats")
        #expect(base64.usage.inputTokens > 0)
        let sdk = try await runSDKScript("embeddings_client.py", arguments: ["openai", Self.baseURL, "smol"] + Self.texts)
        Self.expectSame(base64.vectors, try Self.vectors(sdk), "library and openai SDK")
        #expect(sdk["prompt_tokens"]?.intValue == base64.usage.inputTokens)

        // Related sentences are nearer than unrelated ones, even with this small chat model's mean-pooled vectors.
        let (cat, kitten, tax) = (base64.embeddings[0], base64.embeddings[1], base64.embeddings[2])
        #expect(cat.cosineSimilarity(to: kitten) > cat.cosineSimilarity(to: tax))
        // Split into calls of one input, two at a time, the vectors come back the same and in order.
        let split = try await provider.embed(EmbeddingRequest(model: "smol", inputs: Self.texts, maxInputsPerCall: 1, maxConcurrentCalls: 2))
        Self.expectSame(split.vectors, base64.vectors, "one call against three")
    }

    @Test func theGatewayServesTheOfficialSDKsEmbeddingCalls() async throws {
        let configuration = GatewayConfiguration(models: [
            .init(name: "embedder", targets: [.init(model: "llamacpp/smol", baseURL: Self.baseURL)]),
        ])
        let gateway = try await RunningGateway.start(configuration)
        defer { Task { await gateway.stop() } }
        let direct = try await OpenAIProvider(configuration: OpenAIConfiguration(name: "llamacpp", baseURL: Self.baseURL))
            .embed(Self.texts, model: "smol").vectors

        for sdk in ["openai", "openai-float", "ollama", "ollama-legacy", "gemini"] {
            let results = try await runSDKScript("embeddings_client.py", arguments: [sdk, gateway.baseURL, "embedder"] + Self.texts)
            Self.expectSame(try Self.vectors(results), direct, "\(sdk) through the gateway")
            if sdk == "openai" || sdk == "ollama" {
                #expect(results["model"] == "embedder", "\(sdk) sees the alias")
                #expect((results["prompt_tokens"]?.intValue ?? 0) > 0, "\(sdk): \(results)")
            }
        }
    }
}
