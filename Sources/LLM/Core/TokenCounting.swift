/// A provider that can count the input tokens of a request before sending it, with the model's own tokenizer
/// (Anthropic's `count_tokens`, Gemini's `countTokens`).
public protocol TokenCounting: LLMProvider {
    /// The input tokens `request` would use.
    func countTokens(_ request: ChatRequest) async throws -> Int
}
