/// One embedding: a vector of floats that places a text in the model's space, where nearby texts mean similar
/// things. Compare two with ``cosineSimilarity(to:)``; vectors of different models (or dimensions) do not compare.
public struct Embedding: Sendable, Hashable, Codable {
    public var values: [Float]

    public init(_ values: [Float]) {
        self.values = values
    }

    /// The values as a JSON array of numbers, as the server sides write a vector.
    public var jsonArray: JSONValue { .array(values.map { .double(Double($0)) }) }

    /// The number of values.
    public var dimensions: Int { values.count }

    /// The Euclidean length.
    public var magnitude: Float {
        var sum: Double = 0
        for value in values { sum += Double(value) * Double(value) }
        return Float(sum.squareRoot())
    }

    /// The same direction with length 1 (a zero vector stays zero). The dot product of normalised vectors is their
    /// cosine similarity, which is why vector stores often keep them so.
    public func normalized() -> Embedding {
        let length = magnitude
        guard length > 0 else { return self }
        return Embedding(values.map { $0 / length })
    }

    /// The dot product. The vectors must have the same dimensions (a programming error otherwise, like an index
    /// out of range).
    public func dot(_ other: Embedding) -> Float {
        precondition(values.count == other.values.count, "embeddings of \(values.count) and \(other.values.count) dimensions do not compare")
        var sum: Double = 0
        for index in values.indices { sum += Double(values[index]) * Double(other.values[index]) }
        return Float(sum)
    }

    /// The cosine of the angle between the two vectors: 1 for the same direction, 0 for unrelated, -1 for opposite;
    /// 0 when either is a zero vector. The vectors must have the same dimensions.
    public func cosineSimilarity(to other: Embedding) -> Float {
        precondition(values.count == other.values.count, "embeddings of \(values.count) and \(other.values.count) dimensions do not compare")
        // In Double throughout: a product of two Float lengths overflows or underflows for extreme vectors.
        var dot: Double = 0, mine: Double = 0, theirs: Double = 0
        for index in values.indices {
            let a = Double(values[index]), b = Double(other.values[index])
            dot += a * b
            mine += a * a
            theirs += b * b
        }
        let lengths = mine.squareRoot() * theirs.squareRoot()
        guard lengths > 0 else { return 0 }
        return Float(dot / lengths)
    }
}
