extension LLMProvider {
    /// The embeddings of `inputs`, in input order.
    ///
    /// ```swift
    /// let reply = try await provider.embed(["red", "crimson", "tax law"], model: "text-embedding-3-small")
    /// let similar = reply.embeddings[0].cosineSimilarity(to: reply.embeddings[1])
    /// ```
    public func embed(_ inputs: [String], model: String, dimensions: Int? = nil) async throws -> EmbeddingResponse {
        try await embed(EmbeddingRequest(model: model, inputs: inputs, dimensions: dimensions))
    }

    /// The embedding of one text.
    public func embed(_ text: String, model: String, dimensions: Int? = nil) async throws -> Embedding {
        let reply = try await embed(EmbeddingRequest(model: model, inputs: [text], dimensions: dimensions))
        guard let embedding = reply.embeddings.first else {
            throw LLMError.malformedResponse(reason: "\(name) sent no embedding", raw: "")
        }
        return embedding
    }
}
