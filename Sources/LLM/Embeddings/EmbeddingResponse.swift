import Foundation

/// The embeddings of a request's inputs, in input order.
public struct EmbeddingResponse: Sendable, Hashable {
    public var embeddings: [Embedding]
    /// The model that answered, as the provider names it (the model asked for when it does not say).
    public var model: String
    /// Input tokens (embeddings have no output). Zero when the provider does not report them (Gemini, without
    /// `usageMetadata`).
    public var usage: Usage

    public init(embeddings: [Embedding], model: String, usage: Usage = Usage()) {
        self.embeddings = embeddings
        self.model = model
        self.usage = usage
    }

    /// The vectors as plain arrays.
    public var vectors: [[Float]] { embeddings.map(\.values) }

    /// What these embeddings cost (input tokens at the model's input price); nil when `prices` has no price for it.
    public func cost(with prices: PriceTable = .builtIn) -> Cost? {
        usage.cost(with: prices, model: model)
    }
}
