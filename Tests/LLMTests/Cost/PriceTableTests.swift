import Foundation
import LLM
import Testing

@Suite struct PriceTableTests {
    let cheap = ModelPrice(input: 1, output: 1)
    let dear = ModelPrice(input: 9, output: 9)

    @Test func exactIdWinsOverAPrefix() {
        let table: PriceTable = ["gpt-4o": dear, "gpt-4o-mini": cheap, "gpt-4o-mini-2024-07-18": dear]
        #expect(table.price(for: "gpt-4o-mini-2024-07-18") == dear)
    }

    @Test func theLongestPrefixWins() {
        let table: PriceTable = ["gpt-4o": dear, "gpt-4o-mini": cheap]
        #expect(table.price(for: "gpt-4o-mini-2024-07-18") == cheap)
        #expect(table.price(for: "gpt-4o-2024-08-06") == dear)
    }

    @Test func aPrefixMustEndAtASeparator() {
        let table: PriceTable = ["gpt-4": dear, "llama3.2": cheap]
        #expect(table.price(for: "gpt-4o") == nil)
        #expect(table.price(for: "gpt-4-0613") == dear)
        #expect(table.price(for: "llama3.2:3b") == cheap)
    }

    @Test func providerQualifiedIdsAreTriedWithoutTheProvider() {
        let table: PriceTable = ["gpt-4o": dear]
        #expect(table.price(for: "openai/gpt-4o") == dear)
        #expect(table.price(for: "openai/gpt-4o-2024-08-06") == dear)
        #expect(table.price(for: "openai/other") == nil)
    }

    @Test func theBuiltInTableCanBeOverriddenAndExtended() {
        var table = PriceTable.builtIn
        table["gpt-4o"] = cheap
        table["my-finetune"] = dear
        #expect(table.price(for: "gpt-4o-2024-08-06") == cheap)
        #expect(table.price(for: "my-finetune") == dear)
        #expect(PriceTable.builtIn.price(for: "gpt-4o") != cheap)

        let merged = PriceTable.builtIn.merging(["gpt-4o-mini": dear])
        #expect(merged.price(for: "gpt-4o-mini") == dear)
        #expect(merged.price(for: "gpt-4o") == PriceTable.builtIn.price(for: "gpt-4o"))
    }

    @Test func builtInPricesAreExactDecimals() throws {
        #expect(PriceTable.builtInPricesAsOf == "2026-11")
        let mini = try #require(PriceTable.builtIn.price(for: "gpt-4o-mini-2024-07-18"))
        #expect(mini.input == decimal("0.15"))
        #expect(mini.cacheRead == decimal("0.075"))
        let sonnet = try #require(PriceTable.builtIn.price(for: "claude-sonnet-4-5-20250929"))
        #expect(sonnet.cacheWrite == decimal("3.75"))
        #expect(PriceTable.builtIn.price(for: "claude-opus-4-5-20251101")?.input == 5)
        #expect(PriceTable.builtIn.price(for: "gemini-2.5-flash-lite")?.input == decimal("0.10"))
    }
}
