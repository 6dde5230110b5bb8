/// Splits a request's inputs into calls of at most `maxInputsPerCall` inputs (and, where the provider limits a call's
/// tokens, of at most `tokenBudget` estimated tokens, four bytes a token), runs at most `maxConcurrentCalls` of them at
/// a time, and puts the vectors back in input order with the usage summed. One call's failure (after its retries)
/// fails the request and cancels the others.
enum EmbeddingBatches {
    static func run(
        _ request: EmbeddingRequest, providerLimit: Int, tokenBudget: Int? = nil, provider: String,
        call: @escaping @Sendable (_ batch: EmbeddingRequest) async throws -> EmbeddingResponse
    ) async throws -> EmbeddingResponse {
        guard !request.inputs.isEmpty else {
            throw LLMError.invalidRequest(ProviderErrorDetails(provider: provider, message: "an embedding request needs at least one input"))
        }
        let size = max(1, min(request.maxInputsPerCall ?? providerLimit, providerLimit))
        let ranges = batches(request.inputs, size: size, tokenBudget: tokenBudget)
        guard ranges.count > 1 else { return try await checked(call(request), expecting: request.inputs.count, provider: provider) }
        var parts = [EmbeddingResponse?](repeating: nil, count: ranges.count)
        try await withThrowingTaskGroup(of: (Int, EmbeddingResponse).self) { group in
            var next = 0
            func startNext() {
                let number = next
                var batch = request
                batch.inputs = Array(request.inputs[ranges[number]])
                let expected = batch.inputs.count
                group.addTask { (number, try await checked(call(batch), expecting: expected, provider: provider)) }
                next += 1
            }
            while next < min(ranges.count, max(1, request.maxConcurrentCalls)) { startNext() }
            while let (number, part) = try await group.next() {
                parts[number] = part
                if next < ranges.count { startNext() }
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

    /// Consecutive ranges of `inputs`, each of at most `size` inputs and, with a budget, at most `tokenBudget`
    /// estimated tokens (an input larger than the budget goes alone, for the provider to refuse or truncate).
    static func batches(_ inputs: [String], size: Int, tokenBudget: Int?) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var tokens = 0
        for (index, input) in inputs.enumerated() {
            let estimate = (input.utf8.count + 3) / 4
            let full = index - start == size || (tokenBudget.map { tokens + estimate > $0 } ?? false)
            if full, index > start {
                ranges.append(start..<index)
                start = index
                tokens = 0
            }
            tokens += estimate
        }
        ranges.append(start..<inputs.count)
        return ranges
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
