/// Splits a request's inputs into calls of at most `maxInputsPerCall`, runs at most `maxConcurrentCalls` of them at
/// a time, and puts the vectors back in input order with the usage summed. One call's failure (after its retries)
/// fails the request and cancels the others.
enum EmbeddingBatches {
    static func run(
        _ request: EmbeddingRequest, providerLimit: Int, provider: String,
        call: @escaping @Sendable (_ batch: EmbeddingRequest) async throws -> EmbeddingResponse
    ) async throws -> EmbeddingResponse {
        guard !request.inputs.isEmpty else {
            throw LLMError.invalidRequest(ProviderErrorDetails(provider: provider, message: "an embedding request needs at least one input"))
        }
        let size = max(1, min(request.maxInputsPerCall ?? providerLimit, providerLimit))
        guard request.inputs.count > size else { return try await checked(call(request), expecting: request.inputs.count, provider: provider) }
        let starts = Array(stride(from: 0, to: request.inputs.count, by: size))
        var parts = [EmbeddingResponse?](repeating: nil, count: starts.count)
        try await withThrowingTaskGroup(of: (Int, EmbeddingResponse).self) { group in
            var next = 0
            func startNext() {
                let number = next
                var batch = request
                batch.inputs = Array(request.inputs[starts[number]..<min(starts[number] + size, request.inputs.count)])
                let expected = batch.inputs.count
                group.addTask { (number, try await checked(call(batch), expecting: expected, provider: provider)) }
                next += 1
            }
            while next < min(starts.count, max(1, request.maxConcurrentCalls)) { startNext() }
            while let (number, part) = try await group.next() {
                parts[number] = part
                if next < starts.count { startNext() }
            }
        }
        var whole = EmbeddingResponse(embeddings: [], model: request.model)
        whole.embeddings.reserveCapacity(request.inputs.count)
        for part in parts {
            guard let part else { continue }
            whole.embeddings += part.embeddings
            whole.usage += part.usage
            whole.model = part.model
        }
        return whole
    }

    /// A reply with a vector for each input, or a malformed-response error.
    static func checked(_ response: EmbeddingResponse, expecting count: Int, provider: String) throws -> EmbeddingResponse {
        guard response.embeddings.count == count else {
            throw LLMError.malformedResponse(
                reason: "\(provider) sent \(response.embeddings.count) embeddings for \(count) inputs", raw: "")
        }
        return response
    }
}
