/// Replies of Gemini's embedding methods; errors are written as for generateContent (``GeminiServerResponse/error(_:)``).
public enum GeminiEmbedServerResponse {
    /// `{"embedding": {"values"}}` for `embedContent`, `{"embeddings": [{"values"}]}` for `batchEmbedContents`, with
    /// `usageMetadata` when the upstream counted tokens.
    public static func reply(_ response: EmbeddingResponse, batch: Bool) -> JSONValue {
        let vectors: [JSONValue] = response.embeddings.map { ["values": $0.jsonArray] }
        var body: [String: JSONValue] = batch ? ["embeddings": .array(vectors)] : ["embedding": vectors.first ?? ["values": []]]
        if response.usage.inputTokens > 0 {
            let tokens = JSONValue.int(response.usage.inputTokens)
            body["usageMetadata"] = ["promptTokenCount": tokens, "totalTokenCount": tokens]
        }
        return .object(body)
    }
}
