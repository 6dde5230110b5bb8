/// Token counts of one call (or, summed, of several).
///
/// `inputTokens` counts ALL prompt tokens, cached or not, and `outputTokens` all generated tokens,
/// reasoning included (the OpenAI and OpenTelemetry convention). The cache and reasoning counts are
/// the parts of those totals that are billed differently, so cost is computed without counting a
/// token twice: see ``uncachedInputTokens``.
public struct Usage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// Input tokens read from the provider's prompt cache (part of `inputTokens`).
    public var cacheReadTokens: Int
    /// Input tokens written to the provider's prompt cache (part of `inputTokens`).
    public var cacheWriteTokens: Int
    /// Output tokens spent on reasoning (part of `outputTokens`).
    public var reasoningTokens: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cacheReadTokens: Int = 0, cacheWriteTokens: Int = 0, reasoningTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.reasoningTokens = reasoningTokens
    }

    /// Input tokens billed at the plain input price.
    public var uncachedInputTokens: Int { max(0, inputTokens - cacheReadTokens - cacheWriteTokens) }

    public var totalTokens: Int { inputTokens + outputTokens }

    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        Usage(
            inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens,
            cacheReadTokens: lhs.cacheReadTokens + rhs.cacheReadTokens,
            cacheWriteTokens: lhs.cacheWriteTokens + rhs.cacheWriteTokens,
            reasoningTokens: lhs.reasoningTokens + rhs.reasoningTokens)
    }

    public static func += (lhs: inout Usage, rhs: Usage) { lhs = lhs + rhs }
}
