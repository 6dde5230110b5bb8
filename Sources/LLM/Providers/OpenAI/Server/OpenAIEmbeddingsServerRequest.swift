/// A `POST /v1/embeddings` request as a server receives it.
///
/// `input` is a string or an array of strings; arrays of token ids are refused (400): a gateway cannot turn one
/// tokenizer's ids into another backend's text. Empty input is refused as OpenAI refuses it. Members the library
/// does not read (`user`, ...) go to ``EmbeddingRequest/extraFields``.
public struct OpenAIEmbeddingsServerRequest: Sendable, Hashable {
    public var request: EmbeddingRequest
    /// How the client wants the vectors written back (`encoding_format`, float by default).
    public var encoding: EmbeddingEncoding

    static let knownMembers: Set<String> = ["model", "input", "encoding_format", "dimensions"]

    /// Reads a request body.
    ///
    /// - Throws: `LLMError.invalidRequest` (HTTP 400) naming the member that is missing or of the wrong type.
    public init(decoding body: JSONValue) throws(LLMError) {
        let root = try RequestReader.object(body, at: "the body")
        let model = try RequestReader.string(root["model"], at: "model")
        let inputs = try RequestReader.texts(
            root["input"], at: "input", elementHint: " (token arrays are not supported: send text)")
        var encoding = EmbeddingEncoding.float
        if let format = root["encoding_format"], format != .null {
            guard let text = format.stringValue, let chosen = EmbeddingEncoding(rawValue: text) else {
                throw RequestReader.invalid("encoding_format", "must be \"float\" or \"base64\"")
            }
            encoding = chosen
        }
        var request = EmbeddingRequest(model: model, inputs: inputs)
        request.dimensions = try RequestReader.positiveInt(root["dimensions"], at: "dimensions")
        for (key, value) in root where !Self.knownMembers.contains(key) { request.extraFields[key] = value }
        self.init(request: request, encoding: encoding)
    }

    public init(request: EmbeddingRequest, encoding: EmbeddingEncoding = .float) {
        self.request = request
        self.encoding = encoding
    }
}
