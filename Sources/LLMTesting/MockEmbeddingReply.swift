import LLM

/// What a ``MockProvider`` answers one `embed` call with.
public enum MockEmbeddingReply: Sendable, Hashable {
    /// These vectors, one per input (a count that differs from the inputs' is an error, as from a real provider).
    case vectors([[Float]], inputTokens: Int = 0)
    /// A vector of `dimensions` for each input, made from the text alone: the same text always gets the same
    /// vector, different texts (almost surely) different ones. Input tokens count four bytes a token.
    case hashed(dimensions: Int)
    /// The call fails with this error.
    case failure(LLMError)

    /// The reply to `request`.
    func response(to request: EmbeddingRequest, provider: String) throws -> EmbeddingResponse {
        switch self {
        case .vectors(let vectors, let tokens):
            guard vectors.count == request.inputs.count else {
                throw LLMError.malformedResponse(reason: "\(provider) sent \(vectors.count) embeddings for \(request.inputs.count) inputs", raw: "")
            }
            return EmbeddingResponse(embeddings: vectors.map(Embedding.init), model: request.model, usage: Usage(inputTokens: tokens))
        case .hashed(let dimensions):
            let tokens = request.inputs.reduce(0) { $0 + ($1.utf8.count + 3) / 4 }
            return EmbeddingResponse(
                embeddings: request.inputs.map { Embedding(Self.vector(for: $0, dimensions: dimensions)) }, model: request.model,
                usage: Usage(inputTokens: tokens))
        case .failure(let error):
            throw error
        }
    }

    /// Values in [-1, 1) from a 64-bit FNV-1a hash of the text, stepped by a linear congruential generator.
    static func vector(for text: String, dimensions: Int) -> [Float] {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return (0..<max(0, dimensions)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // The top 24 bits as a signed number, scaled into [-1, 1).
            return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
        }
    }
}
