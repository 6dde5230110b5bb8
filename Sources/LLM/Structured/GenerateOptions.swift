/// Settings of one ``LLMProvider/generate(_:model:messages:system:options:)`` call.
public struct GenerateOptions: Sendable, Hashable {
    /// The reply's token limit. Leave room: a reply cut off mid-JSON fails with
    /// ``StructuredOutputError/truncated(raw:)`` (some servers answer HTTP 500 instead).
    public var maxTokens: Int?
    public var temperature: Double?
    /// The schema dialect; nil picks it from the provider (``StructuredOutputStyle/inferred(for:)``).
    public var style: StructuredOutputStyle?
    /// How many times an invalid reply is sent back with its errors for another try (0 for none).
    public var repairAttempts: Int
    /// The schema's name as sent (OpenAI's `json_schema.name`); by default the type's name.
    public var schemaName: String?

    public init(
        maxTokens: Int? = nil, temperature: Double? = nil, style: StructuredOutputStyle? = nil, repairAttempts: Int = 1,
        schemaName: String? = nil
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.style = style
        self.repairAttempts = repairAttempts
        self.schemaName = schemaName
    }
}

/// A value made by ``LLMProvider/generateResponse(_:from:options:)``, with the replies it came from.
public struct StructuredResponse<T> {
    /// The decoded, validated value.
    public var value: T
    /// The value as JSON (unwrapped: for a `[String]`, the array).
    public var json: JSONValue
    /// The last reply (the one `value` was read from).
    public var response: LLMResponse
    /// Tokens of every round, repair rounds included.
    public var usage: Usage
    /// How many requests were made: 1, plus one per repair round.
    public var attempts: Int
}

extension StructuredResponse: Sendable where T: Sendable {}
