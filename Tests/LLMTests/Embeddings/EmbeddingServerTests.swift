import Foundation
import LLM
import LLMTesting
import Testing

/// The embeddings server sides: what each format's request reads as, what it refuses (400, naming the member), and
/// replies that the library's own client side reads back to the same vectors.
@Suite struct EmbeddingServerTests {
    @Test func openAIRequestsReadTextsDimensionsAndTheClientsEncoding() throws {
        let one = try OpenAIEmbeddingsServerRequest(decoding: ["model": "e", "input": "hello"])
        #expect(one.request.inputs == ["hello"] && one.encoding == .float && one.request.dimensions == nil)
        let many = try OpenAIEmbeddingsServerRequest(decoding: [
            "model": "e", "input": ["a", "b"], "encoding_format": "base64", "dimensions": 256, "user": "u",
        ])
        #expect(many.request.inputs == ["a", "b"] && many.encoding == .base64 && many.request.dimensions == 256)
        #expect(many.request.extraFields == ["user": "u"])
    }

    @Test(arguments: [
        (["input": "x"], "model is required"),
        (["model": "e"], "input is required"),
        (["model": "e", "input": []], "input must not be empty"),
        (["model": "e", "input": ""], "input must not be empty"),
        (["model": "e", "input": ["a", ""]], "input[1] must not be empty"),
        (["model": "e", "input": [1, 2, 3]], "input[0] must be a string (token arrays are not supported: send text)"),
        (["model": "e", "input": 7], "input must be a string or an array of strings"),
        (["model": "e", "input": "x", "encoding_format": "int8"], "encoding_format must be \"float\" or \"base64\""),
        (["model": "e", "input": "x", "dimensions": 0], "dimensions must be at least 1"),
    ] as [(JSONValue, String)])
    func openAIRequestsThatCannotBeServedAre400s(body: JSONValue, message: String) {
        #expect(throws: LLMError.invalidRequest(ProviderErrorDetails(provider: "request", status: 400, message: message))) {
            try OpenAIEmbeddingsServerRequest(decoding: body)
        }
    }

    /// The reply in either encoding is read back by the OpenAI provider to the very same floats.
    @Test(arguments: [EmbeddingEncoding.float, .base64])
    func openAIRepliesReadBackExactly(encoding: EmbeddingEncoding) async throws {
        let vectors: [[Float]] = [[0.1, -2.5e-8, 3.4028235e38], [1, 0, -1]]
        let reply = EmbeddingResponse(embeddings: vectors.map(Embedding.init), model: "up", usage: Usage(inputTokens: 9))
        let body = OpenAIEmbeddingsServerResponse.list(reply, model: "alias", encoding: encoding)
        #expect(body["usage"] == ["prompt_tokens": 9, "total_tokens": 9])
        let data = try #require(body["data"]?.arrayValue)
        #expect(data[1]["index"] == 1 && data[0]["object"] == "embedding")
        let provider = OpenAIProvider(configuration: .init(name: "c", baseURL: "http://stub/v1"), transport: ReplayTransport([.init(body: body.jsonString)]))
        let read = try await provider.embed(["a", "b"], model: "alias")
        #expect(read.vectors == vectors && read.model == "alias" && read.usage.inputTokens == 9)
    }

    @Test func ollamaRequestsOfBothEndpoints() throws {
        let embed = try OllamaEmbedServerRequest(decoding: ["model": "e", "input": ["a", "b"], "truncate": true, "keep_alive": "5m", "options": ["num_ctx": 512]])
        #expect(embed.request.inputs == ["a", "b"])
        #expect(embed.request.extraFields == ["options": ["num_ctx": 512]], "truncate and keep_alive are Ollama's own")
        let legacy = try OllamaEmbedServerRequest(decoding: ["model": "e", "prompt": "p"], legacy: true)
        #expect(legacy.request.inputs == ["p"])
        #expect(throws: LLMError.invalidRequest(ProviderErrorDetails(provider: "request", status: 400, message: "input[1] must be a string"))) {
            try OllamaEmbedServerRequest(decoding: ["model": "e", "input": ["a", 2]])
        }
        #expect(throws: LLMError.invalidRequest(ProviderErrorDetails(provider: "request", status: 400, message: "prompt must not be empty"))) {
            try OllamaEmbedServerRequest(decoding: ["model": "e", "prompt": ""], legacy: true)
        }
        let reply = EmbeddingResponse(embeddings: [Embedding([0.5, 1.5])], model: "up", usage: Usage(inputTokens: 3))
        #expect(OllamaEmbedServerResponse.embed(reply, model: "e")["embeddings"] == [[0.5, 1.5]])
        #expect(OllamaEmbedServerResponse.embed(reply, model: "e")["prompt_eval_count"] == 3)
        #expect(OllamaEmbedServerResponse.embeddings(reply) == ["embedding": [0.5, 1.5]])
    }

    /// google-genai sends a batch without a model in each request and in snake_case or camelCase.
    @Test func geminiRequestsOfBothMethods() throws {
        let single = try GeminiEmbedServerRequest(
            decoding: ["content": ["parts": [["text": "a"], ["text": "b"]]], "task_type": "RETRIEVAL_QUERY", "outputDimensionality": 8],
            model: "models/e", batch: false)
        #expect(single.request == EmbeddingRequest(model: "e", inputs: ["a\nb"], dimensions: 8, taskType: .retrievalQuery))
        let batch = try GeminiEmbedServerRequest(
            decoding: ["requests": [
                ["content": ["parts": [["text": "x"]]], "taskType": "CLUSTERING"],
                ["model": "models/e", "content": ["parts": [["text": "y"]]], "taskType": "CLUSTERING"],
            ]],
            model: "e", batch: true)
        #expect(batch.request.inputs == ["x", "y"] && batch.request.taskType == .clustering && batch.batch)
    }

    @Test(arguments: [
        (["requests": []], "requests must be a non-empty array"),
        (["requests": [["content": ["parts": [["text": "x"]]]], ["content": ["parts": [["text": "y"]]], "taskType": "CLUSTERING"]]],
         "requests[1].taskType and outputDimensionality must be the same in every request of a batch"),
        (["requests": [["model": "models/other", "content": ["parts": [["text": "x"]]]]]], "requests[0].model must be the model of the path"),
        (["requests": [["content": ["parts": [["inlineData": ["data": "AA=="]]]]]]], "requests[0].content.parts[0].text is required"),
        (["requests": [["content": ["parts": [["text": "x"]]], "taskType": "GUESS"]]], "requests[0].taskType must be a task type such as RETRIEVAL_QUERY"),
    ] as [(JSONValue, String)])
    func geminiBatchesThatCannotBeServedAre400s(body: JSONValue, message: String) {
        #expect(throws: LLMError.invalidRequest(ProviderErrorDetails(provider: "request", status: 400, message: message))) {
            try GeminiEmbedServerRequest(decoding: body, model: "e", batch: true)
        }
    }

    @Test func geminiRepliesCarryUsageOnlyWhenCounted() {
        let counted = EmbeddingResponse(embeddings: [Embedding([1.5]), Embedding([2.5])], model: "e", usage: Usage(inputTokens: 4))
        #expect(GeminiEmbedServerResponse.reply(counted, batch: true) == [
            "embeddings": [["values": [1.5]], ["values": [2.5]]], "usageMetadata": ["promptTokenCount": 4, "totalTokenCount": 4],
        ])
        #expect(GeminiEmbedServerResponse.reply(EmbeddingResponse(embeddings: [Embedding([1.5])], model: "e"), batch: false) == ["embedding": ["values": [1.5]]])
    }
}

@Suite struct MockEmbeddingTests {
    @Test func scriptedVectorsHashedVectorsAndFailures() async throws {
        let mock = MockProvider(replies: [])
        mock.enqueueEmbeddings(.vectors([[1, 2]], inputTokens: 2), .hashed(dimensions: 8), .failure(.cancelled))
        #expect(try await mock.embed(["a"], model: "m").vectors == [[1, 2]])
        let hashed = try await mock.embed(["same", "other", "same"], model: "m")
        #expect(hashed.vectors[0] == hashed.vectors[2] && hashed.vectors[0] != hashed.vectors[1])
        #expect(hashed.vectors[0].count == 8 && hashed.vectors[0].allSatisfy { (-1..<1).contains($0) })
        #expect(hashed.usage.inputTokens == 4)
        await #expect(throws: LLMError.cancelled) { try await mock.embed(["a"], model: "m") }
        await #expect(throws: LLMError.self) { try await mock.embed(["a"], model: "m") }
        #expect(mock.embeddingRequests.map(\.inputs) == [["a"], ["same", "other", "same"], ["a"], ["a"]])
        #expect(mock.requests.isEmpty, "chat and embeddings keep apart")
    }

    @Test func aScriptWithTheWrongNumberOfVectorsFailsAsAProviderWould() async throws {
        let mock = MockProvider(replies: [])
        mock.enqueueEmbeddings(.vectors([[1]]))
        await #expect(throws: LLMError.self) { try await mock.embed(["a", "b"], model: "m") }
    }
}
