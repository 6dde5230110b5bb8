import Foundation

/// What one call (or, summed, several calls) cost, in US dollars, split by how the tokens were billed.
///
/// `Decimal` rather than `Double`: costs are sums of many tiny products (e.g. 37 tokens at $0.075 per million)
/// and must add up to the cent over millions of calls; metrics get a `Double` only at the very end.
public struct Cost: Sendable, Hashable, Codable {
    /// Uncached input tokens at the input price.
    public var input: Decimal
    /// Output tokens at the output price, reasoning tokens included (at the reasoning price when it differs).
    public var output: Decimal
    /// Input tokens read from the prompt cache, at the cache-read price.
    public var cacheRead: Decimal
    /// Input tokens written to the prompt cache, at the cache-write price.
    public var cacheWrite: Decimal

    public init(input: Decimal = 0, output: Decimal = 0, cacheRead: Decimal = 0, cacheWrite: Decimal = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }

    /// The whole amount.
    public var total: Decimal { input + output + cacheRead + cacheWrite }

    public static let zero = Cost()

    public static func + (lhs: Cost, rhs: Cost) -> Cost {
        Cost(
            input: lhs.input + rhs.input, output: lhs.output + rhs.output,
            cacheRead: lhs.cacheRead + rhs.cacheRead, cacheWrite: lhs.cacheWrite + rhs.cacheWrite)
    }

    public static func += (lhs: inout Cost, rhs: Cost) { lhs = lhs + rhs }
}
