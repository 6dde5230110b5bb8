import Foundation
import LLM
import Testing

@Suite struct CostTests {
    let sonnet = ModelPrice(input: 3, output: 15, cacheRead: decimal("0.30"), cacheWrite: decimal("3.75"))

    @Test func plainInputAndOutput() {
        let cost = Usage(inputTokens: 1_000_000, outputTokens: 1_000_000).cost(with: ModelPrice(input: decimal("2.50"), output: 10))
        #expect(cost == Cost(input: decimal("2.5"), output: 10))
        #expect(cost.total == decimal("12.5"))
    }

    @Test func cachedTokensAreChargedOnceAtTheirOwnPrice() {
        // 10,000 input tokens of which 6,000 read from and 1,000 written to the cache: 3,000 are plain input.
        let usage = Usage(inputTokens: 10_000, outputTokens: 2_000, cacheReadTokens: 6_000, cacheWriteTokens: 1_000)
        let cost = usage.cost(with: sonnet)

        #expect(cost.input == decimal("0.009"))  // 3,000 x $3 / M
        #expect(cost.cacheRead == decimal("0.0018"))  // 6,000 x $0.30 / M
        #expect(cost.cacheWrite == decimal("0.00375"))  // 1,000 x $3.75 / M
        #expect(cost.output == decimal("0.03"))  // 2,000 x $15 / M
        #expect(cost.total == decimal("0.04455"))
        // Charging all 10,000 input tokens at $3 on top of the cache prices would give $0.06555.
        #expect(cost.total != decimal("0.06555"))
    }

    @Test func reasoningIsPartOfOutputAtTheOutputPriceByDefault() {
        let usage = Usage(inputTokens: 0, outputTokens: 1_000, reasoningTokens: 400)
        #expect(usage.cost(with: ModelPrice(input: 1, output: 10)).output == decimal("0.01"))
        // With its own price: 600 x $10 + 400 x $20, per million.
        #expect(usage.cost(with: ModelPrice(input: 1, output: 10, reasoning: 20)).output == decimal("0.014"))
    }

    @Test func tinyAmountsAddUpExactly() {
        let price = ModelPrice(input: decimal("0.075"), output: decimal("0.3"))
        let one = Usage(inputTokens: 37, outputTokens: 0).cost(with: price)
        #expect(one.total == decimal("0.000002775"))
        var sum = Cost.zero
        for _ in 0..<1_000 { sum += one }
        #expect(sum.total == decimal("0.002775"))
    }

    @Test func unsetCachePricesDefaultToTheInputPrice() {
        let price = ModelPrice(input: 2, output: 8)
        #expect(price.cacheRead == 2)
        #expect(price.cacheWrite == 2)
        #expect(price.reasoning == nil)
        #expect(price.effectiveReasoning == 8)
    }

    @Test func inconsistentCountsNeverGoNegative() {
        // A provider reporting more cached tokens than input tokens: plain input is clamped at zero.
        let cost = Usage(inputTokens: 10, outputTokens: 5, cacheReadTokens: 20, reasoningTokens: 9).cost(with: sonnet)
        #expect(cost.input == 0)
        #expect(cost.cacheRead == decimal("0.000006"))
        #expect(cost.output == decimal("0.000075"))  // 5 x $15 / M: reasoning clamped to the output count
    }

    @Test func pricingThroughATable() {
        let usage = Usage(inputTokens: 1_000_000, outputTokens: 0)
        #expect(usage.cost(with: .builtIn, model: "gpt-4o-mini-2024-07-18")?.total == decimal("0.15"))
        #expect(usage.cost(with: .builtIn, model: "unknown-model") == nil)
        let response = LLMResponse(content: "hi", model: "gpt-4o-2024-08-06", usage: Usage(inputTokens: 2_000, outputTokens: 1_000, cacheReadTokens: 1_000))
        // 1,000 x $2.50 + 1,000 x $1.25 + 1,000 x $10, per million.
        #expect(response.cost()?.total == decimal("0.01375"))
    }

    @Test func costsAdd() {
        let a = Cost(input: 1, output: 2, cacheRead: 3, cacheWrite: 4)
        #expect((a + a) == Cost(input: 2, output: 4, cacheRead: 6, cacheWrite: 8))
        #expect((a + a).total == 20)
    }
}
