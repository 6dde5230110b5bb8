import LLM

/// The input tokens of a request, as the count endpoints (`/v1/messages/count_tokens`, `:countTokens`) answer them.
public struct TokenCount: Sendable, Equatable {
    public var tokens: Int
    /// Counted by the backend's own tokenizer; false for an estimate (the backend has no count endpoint).
    public var exact: Bool

    /// The header that tells a client which it got: `exact` or `estimate`.
    static let header = "x-llm-gateway-token-count"
    var headerValue: String { exact ? "exact" : "estimate" }

    /// An estimate for a backend that cannot count: four bytes of UTF-8 a token, the rule of thumb providers give for
    /// English text, over every text the request sends (system prompt, messages, tool calls and results, tool
    /// schemas), and a few tokens a message for the template around it. Images count as the flat 258 tokens Gemini
    /// bills for an image; other providers bill more for large ones.
    static func estimate(_ request: ChatRequest) -> TokenCount {
        var bytes = request.system?.utf8.count ?? 0
        var images = 0
        for message in request.messages {
            for part in message.content {
                switch part {
                case .text(let text): bytes += text.utf8.count
                case .image: images += 1
                }
            }
            for call in message.toolCalls { bytes += call.name.utf8.count + call.arguments.jsonString.utf8.count }
            if let result = message.toolResult { bytes += result.content.utf8.count }
            for block in message.reasoning { bytes += block.text.utf8.count }
        }
        for tool in request.tools {
            bytes += tool.name.utf8.count + tool.description.utf8.count + tool.parameters.value.jsonString.utf8.count
        }
        let perMessage = 4
        return TokenCount(tokens: (bytes + 3) / 4 + perMessage * request.messages.count + 258 * images, exact: false)
    }

    /// The same estimate for the texts of an embedding request.
    static func estimate(_ request: EmbeddingRequest) -> TokenCount {
        TokenCount(tokens: request.inputs.reduce(0) { $0 + ($1.utf8.count + 3) / 4 }, exact: false)
    }
}
