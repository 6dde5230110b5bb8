/// A piece of the model's reasoning (thinking), kept so it can be sent back on the next turn.
///
/// Providers that sign their reasoning (Anthropic thinking, Gemini thought signatures) reject a
/// follow-up turn whose reasoning was altered: send the block back exactly as it came.
public struct ReasoningBlock: Sendable, Hashable, Codable {
    /// The readable reasoning text (may be a summary, or empty for redacted reasoning).
    public var text: String
    /// The provider's signature over this reasoning, if it gave one.
    public var signature: String?
    /// Opaque, encrypted reasoning the provider returned instead of text (Anthropic redacted thinking,
    /// OpenAI encrypted reasoning content).
    public var redactedData: String?
    /// The provider's id of the reasoning item, when it has one (OpenAI Responses).
    public var id: String?

    public init(text: String = "", signature: String? = nil, redactedData: String? = nil, id: String? = nil) {
        self.text = text
        self.signature = signature
        self.redactedData = redactedData
        self.id = id
    }
}
