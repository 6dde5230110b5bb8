/// Replies of a `POST /v1/embeddings` server; errors are written as for chat completions
/// (``OpenAIChatServerResponse/error(_:)``).
public enum OpenAIEmbeddingsServerResponse {
    /// `{"object": "list", "data": [{"object": "embedding", "index", "embedding"}], "model", "usage"}`, each vector as
    /// numbers or, for `base64`, as little-endian floats in base64.
    public static func list(_ response: EmbeddingResponse, model: String, encoding: EmbeddingEncoding) -> JSONValue {
        let data: [JSONValue] = response.embeddings.enumerated().map { index, embedding in
            let vector: JSONValue = switch encoding {
            case .float: embedding.jsonArray
            case .base64: .string(FloatBase64.encode(embedding.values))
            }
            return ["object": "embedding", "index": .int(index), "embedding": vector]
        }
        let tokens = JSONValue.int(response.usage.inputTokens)
        return ["object": "list", "data": .array(data), "model": .string(model), "usage": ["prompt_tokens": tokens, "total_tokens": tokens]]
    }
}
