/// Gemini's embeddings: `models/{model}:embedContent` for one text, `:batchEmbedContents` for several (up to 100 a
/// call), with the request's task type and `outputDimensionality`.
enum GeminiEmbeddings {
    /// The API's limit of requests in one batch.
    static let maxInputsPerCall = 100

    /// One `EmbedContentRequest`; `model` is named inside it only in a batch.
    static func content(_ text: String, of request: EmbeddingRequest, model: String?) -> JSONValue {
        var body: [String: JSONValue] = ["content": ["parts": [["text": .string(text)]]]]
        if let model { body["model"] = .string(model) }
        if let task = request.taskType { body["taskType"] = .string(GeminiTaskType.name(task)) }
        if let dimensions = request.dimensions { body["outputDimensionality"] = .int(dimensions) }
        ExtraFields.add(request.extraFields, to: &body)
        return .object(body)
    }

    /// The method and body for `request`: `embedContent` for a single input, else `batchEmbedContents`.
    static func call(for request: EmbeddingRequest) -> (method: String, body: JSONValue) {
        if request.inputs.count == 1 { return ("embedContent", content(request.inputs[0], of: request, model: nil)) }
        let model = GeminiRequestMapping.resourceName(request.model)
        return ("batchEmbedContents", ["requests": .array(request.inputs.map { content($0, of: request, model: model) })])
    }
}

/// The reply of `embedContent` (`embedding`) or `batchEmbedContents` (`embeddings`), read by hand, with the prompt
/// tokens of `usageMetadata` when the API reports them.
struct GeminiEmbeddingReply: JSONWireDecodable {
    var vectors: [[Float]]
    var promptTokens: Int?

    init(json: JSONFields) throws(JSONShapeError) {
        if let single = json.node("embedding") {
            vectors = [try Self.values(of: single)]
        } else if let many = json.node("embeddings"), many.kind == .array {
            var vectors: [[Float]] = []
            var failure: JSONShapeError?
            many.forEachElement { element in
                do throws(JSONShapeError) { vectors.append(try Self.values(of: element)) } catch { failure = failure ?? error }
            }
            if let failure { throw failure }
            self.vectors = vectors
        } else {
            throw JSONShapeError(field: "embedding", expected: "present")
        }
        if let usage = json.node("usageMetadata") { promptTokens = try JSONFields(usage, field: "usageMetadata").int("promptTokenCount") }
    }

    private static func values(of node: JSONElement) throws(JSONShapeError) -> [Float] {
        guard let values = try JSONFields(node, field: "embedding").node("values")?.floatArray else {
            throw JSONShapeError(field: "values", expected: "an array of numbers")
        }
        return values
    }
}
