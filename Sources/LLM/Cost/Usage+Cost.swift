import Foundation

extension Usage {
    /// What these tokens cost at `price`.
    ///
    /// Cached tokens are never counted twice: `inputTokens` already includes the cache reads and writes, so
    /// only ``uncachedInputTokens`` are charged the plain input price. Reasoning tokens are part of
    /// `outputTokens` and are charged once, at the reasoning price (the output price unless set).
    public func cost(with price: ModelPrice) -> Cost {
        let reasoning = min(max(0, reasoningTokens), max(0, outputTokens))
        let plainOutput = max(0, outputTokens) - reasoning
        return Cost(
            input: Self.charge(uncachedInputTokens, price.input),
            output: Self.charge(plainOutput, price.output) + Self.charge(reasoning, price.effectiveReasoning),
            cacheRead: Self.charge(max(0, cacheReadTokens), price.cacheRead),
            cacheWrite: Self.charge(max(0, cacheWriteTokens), price.cacheWrite))
    }

    /// What these tokens cost for `model`, priced from `prices`; `nil` when the table has no price for it.
    public func cost(with prices: PriceTable, model: String) -> Cost? {
        prices.price(for: model).map { cost(with: $0) }
    }

    /// Exact, like a division by a million, and some seven times faster: the product's exponent moves down six
    /// (Decimal's long division showed in the gateway's profile, which prices every request twice).
    private static func charge(_ tokens: Int, _ pricePerMillion: Decimal) -> Decimal {
        let product = Decimal(tokens) * pricePerMillion
        return Decimal(sign: product.sign, exponent: -6, significand: product.magnitude)
    }
}

extension LLMResponse {
    /// What this reply cost, priced by the model that answered; `nil` when `prices` has no price for it.
    public func cost(with prices: PriceTable = .builtIn) -> Cost? {
        usage.cost(with: prices, model: model)
    }
}
