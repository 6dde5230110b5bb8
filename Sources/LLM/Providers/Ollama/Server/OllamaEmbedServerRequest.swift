/// An Ollama embeddings request as a server receives it: `POST /api/embed` (`input`, a string or an array of strings)
/// or the older `POST /api/embeddings` (`prompt`, one string).
///
/// `truncate` and `keep_alive` concern Ollama's own model loading and are not passed on; `options` and other members
/// go to ``EmbeddingRequest/extraFields`` (an Ollama backend reads them).
public struct OllamaEmbedServerRequest: Sendable, Hashable {
    public var request: EmbeddingRequest

    static let knownMembers: Set<String> = ["model", "input", "prompt", "dimensions", "truncate", "keep_alive"]

    /// Reads an `/api/embed` body, or with `legacy` an `/api/embeddings` body.
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing or of the wrong type.
    public init(decoding body: JSONValue, legacy: Bool = false) throws(LLMError) {
        let root = try RequestReader.object(body, at: "the body")
        let model = try RequestReader.string(root["model"], at: "model")
        let inputs = legacy
            ? try RequestReader.texts(.string(RequestReader.string(root["prompt"], at: "prompt")), at: "prompt")
            : try RequestReader.texts(root["input"], at: "input")
        var request = EmbeddingRequest(model: model, inputs: inputs)
        request.dimensions = try RequestReader.positiveInt(root["dimensions"], at: "dimensions")
        for (key, value) in root where !Self.knownMembers.contains(key) { request.extraFields[key] = value }
        self.request = request
    }

    public init(request: EmbeddingRequest) {
        self.request = request
    }
}
