import Foundation

/// What one model charges, in US dollars per million tokens.
///
/// Prices are `Decimal` so that sums of many small calls stay exact (a price such as $0.075 has no exact
/// binary floating-point form). Write them as literals (`0.075`) or with `Decimal(string:)`.
///
/// ```swift
/// let price = ModelPrice(input: 2.50, output: 10.00, cacheRead: 1.25)
/// ```
public struct ModelPrice: Sendable, Hashable, Codable {
    /// Price of input tokens that were neither read from nor written to a prompt cache.
    public var input: Decimal
    /// Price of output tokens (reasoning included unless ``reasoning`` is set).
    public var output: Decimal
    /// Price of input tokens read from the prompt cache.
    public var cacheRead: Decimal
    /// Price of input tokens written to the prompt cache.
    public var cacheWrite: Decimal
    /// Price of reasoning tokens when it differs from ``output``; `nil` means the output price.
    public var reasoning: Decimal?

    /// - Parameters:
    ///   - input: the price of a million uncached input tokens.
    ///   - output: the price of a million output tokens.
    ///   - cacheRead: defaults to `input`: with no cache discount known, charging the full price never undercounts.
    ///   - cacheWrite: defaults to `input` (OpenAI and Gemini charge no premium for writing the cache).
    ///   - reasoning: defaults to `output`, which is how every major provider bills reasoning.
    public init(input: Decimal, output: Decimal, cacheRead: Decimal? = nil, cacheWrite: Decimal? = nil, reasoning: Decimal? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead ?? input
        self.cacheWrite = cacheWrite ?? input
        self.reasoning = reasoning
    }

    /// The price actually applied to reasoning tokens.
    public var effectiveReasoning: Decimal { reasoning ?? output }
}
