import NIOHTTP1

/// `POST {base}/embeddings` of OpenAI and the servers that speak its API (llama.cpp, vLLM, ...), used by
/// ``OpenAIProvider`` and ``OpenAIResponsesProvider`` alike.
enum OpenAIEmbeddings {
    /// OpenAI's limit of inputs in one request.
    static let maxInputsPerCall = 2048
    /// OpenAI refuses a request of more than 300,000 tokens (all inputs together); batches stay under this estimate,
    /// which leaves room for text of more tokens than four bytes each.
    static let tokenBudgetPerCall = 200_000
    /// The largest reply read: 2,048 vectors of 3,072 floats as JSON numbers are about 130 MB.
    static let maxReplyBytes = 256 * 1024 * 1024

    static func body(for request: EmbeddingRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model), "input": .array(request.inputs.map { .string($0) }),
            "encoding_format": .string(request.encoding.rawValue),
        ]
        if let dimensions = request.dimensions { body["dimensions"] = .int(dimensions) }
        ExtraFields.add(request.extraFields, to: &body)
        return .object(body)
    }

    static func embed(
        _ request: EmbeddingRequest, http: ProviderHTTP, url: String, headers: HTTPHeaders,
        classify: @escaping @Sendable (_ status: Int, _ headers: HTTPHeaders, _ body: String) -> LLMError
    ) async throws -> EmbeddingResponse {
        try await EmbeddingBatches.run(request, providerLimit: maxInputsPerCall, tokenBudget: tokenBudgetPerCall, provider: http.provider) { batch in
            try await http.runner(policy: batch.retryPolicy).run { _ in
                let response = try await http.send(.POST, url: url, headers: headers, json: body(for: batch), readsWholeBody: true)
                try await http.checkStatus(response, classify: classify)
                let list = try await http.readValue(OpenAIEmbeddingList.self, of: response, maxBytes: maxReplyBytes)
                return EmbeddingResponse(
                    embeddings: list.data.sorted { $0.index < $1.index }.map { Embedding($0.embedding) },
                    model: list.model ?? batch.model, usage: Usage(inputTokens: list.promptTokens ?? 0))
            }
        }
    }
}

/// The reply of `POST /embeddings`, read by hand: `data[].embedding` is an array of numbers or, with
/// `encoding_format: "base64"`, little-endian floats in base64.
struct OpenAIEmbeddingList: JSONWireDecodable {
    struct Item: JSONWireDecodable {
        var index: Int
        var embedding: [Float]

        init(json: JSONFields) throws(JSONShapeError) {
            index = try json.int("index") ?? 0
            guard let node = json.node("embedding") else { throw JSONShapeError(field: "embedding", expected: "present") }
            if let floats = node.floatArray {
                embedding = floats
            } else if let bytes = node.unescapedStringBytes, let floats = FloatBase64.decode(bytes) {
                embedding = floats
            } else if let text = node.string, let floats = FloatBase64.decode(text) {
                embedding = floats
            } else {
                throw JSONShapeError(field: "embedding", expected: "an array of numbers or base64 floats")
            }
        }
    }

    var data: [Item]
    var model: String?
    var promptTokens: Int?

    init(json: JSONFields) throws(JSONShapeError) {
        data = try json.decodeArray("data") ?? []
        model = try json.string("model")
        if let usage = json.node("usage") { promptTokens = try JSONFields(usage, field: "usage").int("prompt_tokens") }
    }
}
