import Foundation
import LLM
import Testing

@Suite struct FloatBase64Tests {
    /// Random vectors, special values included, survive encoding and decoding bit for bit, and decode as Foundation
    /// decodes the same text.
    @Test func roundTripsRandomVectorsAndAgreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let specials: [Float] = [0, -0, 1, -1, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .nan]
        for length in [0, 1, 2, 3, 4, 5, 7, 1536] {
            let values: [Float] = (0..<length).map { index in
                index % 5 == 0 ? specials[Int.random(in: 0..<specials.count, using: &generator)]
                    : Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            }
            let text = FloatBase64.encode(values)
            #expect(text == Data(values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }).base64EncodedString())
            let decoded = try #require(FloatBase64.decode(text))
            #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
        }
    }

    @Test func acceptsTheURLSafeAlphabetAndMissingPadding() throws {
        let values: [Float] = [-1.5, 3.25e-3, 42]
        let standard = FloatBase64.encode(values)
        let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let unpadded = standard.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        #expect(FloatBase64.decode(urlSafe) == values)
        #expect(FloatBase64.decode(unpadded) == values)
    }

    @Test(arguments: ["A", "AAAA", "AAAAAAA=", "AAA*AAAA", "AAAAA===", "AA=A"])
    func refusesWhatIsNotWholeFloatsInBase64(_ text: String) {
        #expect(FloatBase64.decode(text) == nil, "\(text)")
    }
}

@Suite struct EmbeddingVectorTests {
    @Test func cosineSimilarityOfKnownAngles() {
        let x = Embedding([1, 0]), y = Embedding([0, 2]), diagonal = Embedding([3, 3])
        #expect(x.cosineSimilarity(to: x) == 1)
        #expect(x.cosineSimilarity(to: y) == 0)
        #expect(x.cosineSimilarity(to: Embedding([-4, 0])) == -1)
        #expect(abs(x.cosineSimilarity(to: diagonal) - 0.70710678) < 1e-6)
        #expect(x.cosineSimilarity(to: Embedding([0, 0])) == 0, "a zero vector is similar to nothing")
    }

    @Test func normalisedVectorsHaveLengthOneAndKeepTheirDirection() {
        let vector = Embedding([3, -4, 12])
        let unit = vector.normalized()
        #expect(vector.magnitude == 13)
        #expect(abs(unit.magnitude - 1) < 1e-6)
        #expect(abs(unit.cosineSimilarity(to: vector) - 1) < 1e-6)
        #expect(abs(unit.dot(Embedding([3, -4, 12]).normalized()) - 1) < 1e-6)
        #expect(Embedding([0, 0]).normalized() == Embedding([0, 0]))
    }
}
