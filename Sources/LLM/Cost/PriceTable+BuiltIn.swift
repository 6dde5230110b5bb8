import Foundation

extension PriceTable {
    /// When the ``builtIn`` prices were taken from the providers' published price lists.
    public static let builtInPricesAsOf = "2026-11"

    /// A small table of well-known models, in USD per million tokens, as published on 2026-11 (standard
    /// tier, prompts up to 200K tokens, no batch discount). Prices change: treat these as examples and
    /// override them with your contract's prices (see ``merging(_:)``).
    ///
    /// Anthropic's cache write is the 5-minute cache price; OpenAI and Gemini charge no premium for writes.
    public static let builtIn: PriceTable = [
        // OpenAI
        "gpt-4o": ModelPrice(input: 2.50, output: 10.00, cacheRead: 1.25),
        "gpt-4o-mini": ModelPrice(input: 0.15, output: 0.60, cacheRead: 0.075),
        "gpt-4.1": ModelPrice(input: 2.00, output: 8.00, cacheRead: 0.50),
        "gpt-4.1-mini": ModelPrice(input: 0.40, output: 1.60, cacheRead: 0.10),
        "text-embedding-3-small": ModelPrice(input: 0.02, output: 0),
        "text-embedding-3-large": ModelPrice(input: 0.13, output: 0),
        // Anthropic ("claude-sonnet-4" also prices claude-sonnet-4-5-*, which costs the same)
        "claude-sonnet-4": ModelPrice(input: 3.00, output: 15.00, cacheRead: 0.30, cacheWrite: 3.75),
        "claude-haiku-4-5": ModelPrice(input: 1.00, output: 5.00, cacheRead: 0.10, cacheWrite: 1.25),
        "claude-opus-4-1": ModelPrice(input: 15.00, output: 75.00, cacheRead: 1.50, cacheWrite: 18.75),
        "claude-opus-4-5": ModelPrice(input: 5.00, output: 25.00, cacheRead: 0.50, cacheWrite: 6.25),
        // Google (cache reads at the 90 % discount of the 2.5 models; cache storage per hour is not a token price)
        "gemini-2.5-pro": ModelPrice(input: 1.25, output: 10.00, cacheRead: 0.125),
        "gemini-2.5-flash": ModelPrice(input: 0.30, output: 2.50, cacheRead: 0.03),
        "gemini-2.5-flash-lite": ModelPrice(input: 0.10, output: 0.40, cacheRead: 0.01),
        "gemini-embedding-001": ModelPrice(input: 0.15, output: 0),
    ]
}
