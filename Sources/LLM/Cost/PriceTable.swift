import Foundation

/// Prices of models by model id, looked up by exact id first and then by the longest known prefix, so
/// `"gpt-4o-mini-2024-07-18"` is priced as `"gpt-4o-mini"`.
///
/// Start from ``builtIn`` and override or extend it, or build your own:
///
/// ```swift
/// var prices = PriceTable.builtIn
/// prices["my-finetune"] = ModelPrice(input: 3, output: 12)
/// let table: PriceTable = ["local-llama": ModelPrice(input: 0, output: 0)]
/// ```
public struct PriceTable: Sendable, Hashable {
    /// Prices by model id or id prefix.
    public var prices: [String: ModelPrice]

    public init(_ prices: [String: ModelPrice] = [:]) {
        self.prices = prices
    }

    /// The price stored under exactly this key (no prefix matching); setting `nil` removes it.
    public subscript(model: String) -> ModelPrice? {
        get { prices[model] }
        set { prices[model] = newValue }
    }

    /// This table with `other`'s entries added, `other` winning where both have a key.
    public func merging(_ other: PriceTable) -> PriceTable {
        PriceTable(prices.merging(other.prices) { _, new in new })
    }

    /// The price for `model`: its exact entry, else the longest entry that is a prefix of it ending at a
    /// separator (`-`, `:`, `@`, `/`, `_`), so `"gpt-4"` never prices `"gpt-4o"`. A provider-qualified id
    /// such as `"openai/gpt-4o"` is also tried without its `provider/` part.
    public func price(for model: String) -> ModelPrice? {
        if let price = longestMatch(for: model) { return price }
        if let slash = model.lastIndex(of: "/") {
            return longestMatch(for: String(model[model.index(after: slash)...]))
        }
        return nil
    }

    private func longestMatch(for model: String) -> ModelPrice? {
        if let exact = prices[model] { return exact }
        var best: (key: String, price: ModelPrice)?
        for (key, price) in prices where !key.isEmpty && model.count > key.count && model.hasPrefix(key) {
            let next = model[model.index(model.startIndex, offsetBy: key.count)]
            guard Self.separators.contains(next) else { continue }
            if key.count > (best?.key.count ?? 0) { best = (key, price) }
        }
        return best?.price
    }

    private static let separators: Set<Character> = ["-", ":", "@", "/", "_"]
}

extension PriceTable: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, ModelPrice)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
