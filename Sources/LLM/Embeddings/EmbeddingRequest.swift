/// A request for the embeddings of some texts.
///
/// Inputs beyond what the provider takes in one call (``maxInputsPerCall``) are sent in several calls, at most
/// ``maxConcurrentCalls`` at a time; the vectors still come back in input order.
public struct EmbeddingRequest: Sendable, Hashable {
    public var model: String
    /// The texts, one vector each.
    public var inputs: [String]
    /// Fewer dimensions than the model's own, for models that can shorten their vectors (OpenAI's
    /// `text-embedding-3-*`, Gemini's `outputDimensionality`, Ollama's `dimensions`).
    public var dimensions: Int?
    /// What the vectors are for (Gemini's `taskType`; other providers ignore it).
    public var taskType: EmbeddingTaskType?
    /// How the vectors travel from an OpenAI-compatible server. The vectors are the same either way; base64 is a
    /// quarter of the bytes and faster to read. A server that ignores the choice and sends numbers is read too.
    public var encoding: EmbeddingEncoding
    /// The most inputs in one call; nil for the provider's own limit (OpenAI 2,048, Gemini 100, Ollama 512).
    public var maxInputsPerCall: Int?
    /// How many calls of one request may run at once.
    public var maxConcurrentCalls: Int
    /// Overrides the provider's retry policy for each call.
    public var retryPolicy: RetryPolicy?
    /// Members added to the request body as they are (provider-specific options); they never replace a member
    /// the library writes.
    public var extraFields: [String: JSONValue]

    public init(
        model: String, inputs: [String], dimensions: Int? = nil, taskType: EmbeddingTaskType? = nil,
        encoding: EmbeddingEncoding = .base64, maxInputsPerCall: Int? = nil, maxConcurrentCalls: Int = 4,
        retryPolicy: RetryPolicy? = nil, extraFields: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.inputs = inputs
        self.dimensions = dimensions
        self.taskType = taskType
        self.encoding = encoding
        self.maxInputsPerCall = maxInputsPerCall
        self.maxConcurrentCalls = maxConcurrentCalls
        self.retryPolicy = retryPolicy
        self.extraFields = extraFields
    }
}

/// How an OpenAI-compatible server writes vectors (`encoding_format`).
public enum EmbeddingEncoding: String, Sendable, Hashable, Codable {
    /// JSON numbers.
    case float
    /// Little-endian 32-bit floats in base64.
    case base64
}
