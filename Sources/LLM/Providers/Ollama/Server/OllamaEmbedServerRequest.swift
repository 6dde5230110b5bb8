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
        let inputs: [String]
        if legacy {
            inputs = [try RequestReader.string(root["prompt"], at: "prompt")]
        } else {
            switch root["input"] {
            case .string(let text)?:
                inputs = [text]
            case .array(let items)?:
                var texts: [String] = []
                for (index, item) in items.enumerated() { texts.append(try RequestReader.string(item, at: "input[\(index)]")) }
                inputs = texts
            case nil, .null?:
                throw RequestReader.invalid("input", "is required")
            default:
                throw RequestReader.invalid("input", "must be a string or an array of strings")
            }
        }
        guard !inputs.isEmpty, !inputs.contains(where: \.isEmpty) else {
            throw RequestReader.invalid(legacy ? "prompt" : "input", "must not be empty")
        }
        var request = EmbeddingRequest(model: model, inputs: inputs)
        if let dimensions = root["dimensions"], dimensions != .null {
            let count = try RequestReader.int(dimensions, at: "dimensions")
            guard count > 0 else { throw RequestReader.invalid("dimensions", "must be at least 1") }
            request.dimensions = count
        }
        for (key, value) in root where !Self.knownMembers.contains(key) { request.extraFields[key] = value }
        self.request = request
    }

    public init(request: EmbeddingRequest) {
        self.request = request
    }
}

/// Replies of Ollama's embedding endpoints; errors are written as for chat (``OllamaChatServerResponse/error(_:)``).
public enum OllamaEmbedServerResponse {
    /// `/api/embed`: `{"model", "embeddings": [[...]], "total_duration", "load_duration", "prompt_eval_count"}`.
    public static func embed(_ response: EmbeddingResponse, model: String, totalDuration: Duration = .zero) -> JSONValue {
        [
            "model": .string(model), "embeddings": .array(response.embeddings.map(vector)),
            "total_duration": .int(Int(totalDuration / .nanoseconds(1))), "load_duration": 0,
            "prompt_eval_count": .int(response.usage.inputTokens),
        ]
    }

    /// `/api/embeddings`: `{"embedding": [...]}`.
    public static func embeddings(_ response: EmbeddingResponse) -> JSONValue {
        ["embedding": response.embeddings.first.map(vector) ?? []]
    }

    private static func vector(_ embedding: Embedding) -> JSONValue {
        .array(embedding.values.map { .double(Double($0)) })
    }
}
