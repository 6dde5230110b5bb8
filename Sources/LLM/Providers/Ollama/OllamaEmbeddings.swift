/// Ollama's `POST /api/embed`: many inputs in one call, `dimensions` for models that can shorten their vectors.
enum OllamaEmbeddings {
    /// Ollama states no limit; batches of this many keep one call's reply to tens of megabytes.
    static let maxInputsPerCall = 512

    static func body(for request: EmbeddingRequest) -> JSONValue {
        var body: [String: JSONValue] = ["model": .string(request.model), "input": .array(request.inputs.map { .string($0) })]
        if let dimensions = request.dimensions { body["dimensions"] = .int(dimensions) }
        ExtraFields.add(request.extraFields, to: &body)
        return .object(body)
    }
}

/// The reply of `/api/embed`, read by hand.
struct OllamaEmbedReply: JSONWireDecodable {
    var model: String?
    var embeddings: [[Float]]
    var promptEvalCount: Int?

    init(json: JSONFields) throws(JSONShapeError) {
        model = try json.string("model")
        promptEvalCount = try json.int("prompt_eval_count")
        guard let list = json.node("embeddings"), list.kind == .array else {
            throw JSONShapeError(field: "embeddings", expected: "an array")
        }
        var vectors: [[Float]] = []
        var valid = true
        list.forEachElement { element in
            guard valid, let values = element.floatArray else {
                valid = false
                return
            }
            vectors.append(values)
        }
        guard valid else { throw JSONShapeError(field: "embeddings", expected: "arrays of numbers") }
        embeddings = vectors
    }
}
