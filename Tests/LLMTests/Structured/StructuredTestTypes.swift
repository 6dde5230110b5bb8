import Foundation
import LLM

/// The structured-output tests and the types they derive schemas from and decode into, in one namespace
/// so their names cannot clash with other tests of the module.
enum StructuredTests {
    enum Difficulty: String, Codable, CaseIterable, Sendable {
        case easy, medium, hard
    }

    enum Priority: Int, Codable, CaseIterable, Sendable {
        case low = 1, high = 2
    }

    struct Ingredient: Codable, Equatable, Sendable, StructuredOutput {
        var name: String
        var grams: Int?

        static let schemaHints: SchemaHints = ["name": .maxLength(30), "grams": .range(1...5000)]
    }

    struct Recipe: Codable, Equatable, Sendable, StructuredOutput {
        var title: String
        var servings: Int
        var difficulty: Difficulty
        var ingredients: [Ingredient]
        var tags: [String]
        var notes: String?

        static let schemaHints = SchemaHints(description: "A cooking recipe", [
            "title": .description("The dish's name").length(1...60),
            "servings": .range(1...12),
            "ingredients": .items(1...20),
            "tags": .items(0...5).maxLength(20),
        ])

        static let pancakes = Recipe(
            title: "Pancakes", servings: 4, difficulty: .easy,
            ingredients: [Ingredient(name: "flour", grams: 200), Ingredient(name: "milk", grams: nil)], tags: ["breakfast"], notes: nil)

        static let pancakesJSON: JSONValue = [
            "title": "Pancakes", "servings": 4, "difficulty": "easy",
            "ingredients": [["name": "flour", "grams": 200], ["name": "milk"]], "tags": ["breakfast"],
        ]
    }

    /// Recursive through an array.
    struct Category: Decodable, Equatable, Sendable {
        var name: String
        var subcategories: [Category]
    }

    /// Recursive through an optional (a class, since a struct cannot hold an optional of itself).
    final class Employee: Decodable, Sendable {
        let name: String
        let manager: Employee?
    }

    /// A non-root recursive type: it lands in `$defs`.
    struct Catalog: Decodable, Sendable {
        var title: String
        var root: Category
    }

    struct Everything: Decodable, Sendable {
        var date: Date
        var url: URL
        var id: UUID
        var small: Int8
        var count: UInt
        var ratio: Float
        var amount: Decimal
        var blob: Data
        var flags: Set<String>
        var scores: [String: Int]
        var maybeNames: [String?]
        var grid: [[Double]]
        var priority: Priority
        var anything: JSONValue
    }

    /// Hand-written decoding: `contains` makes a key optional, `decodeNil` makes it nullable, nested
    /// containers become nested objects.
    struct Handwritten: Decodable {
        var label: String
        var size: Int
        var comment: String?
        var x: Double
        var y: Double

        enum CodingKeys: String, CodingKey { case label, size, comment, position }
        enum PositionKeys: String, CodingKey { case x, y }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            label = try container.decode(String.self, forKey: .label)
            size = container.contains(.size) ? try container.decode(Int.self, forKey: .size) : 1
            comment = try container.decodeNil(forKey: .comment) ? nil : try container.decode(String.self, forKey: .comment)
            let position = try container.nestedContainer(keyedBy: PositionKeys.self, forKey: .position)
            x = try position.decode(Double.self, forKey: .x)
            y = try position.decode(Double.self, forKey: .y)
        }
    }

    /// A single-value wrapper: its schema is the wrapped value's.
    struct Email: Decodable, Equatable, Sendable {
        var address: String
        init(from decoder: any Decoder) throws { address = try decoder.singleValueContainer().decode(String.self) }
    }

    /// An `init(from:)` that checks a value the schema cannot express.
    struct EvenNumber: Decodable, Sendable {
        var value: Int

        enum CodingKeys: String, CodingKey { case value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            value = try container.decode(Int.self, forKey: .value)
            guard value.isMultiple(of: 2) else {
                throw DecodingError.dataCorruptedError(forKey: .value, in: container, debugDescription: "must be even")
            }
        }
    }

    /// A string enum that is not CaseIterable: its values cannot be listed.
    enum Mood: String, Decodable {
        case happy, sad
    }

    struct HasMood: Decodable {
        var mood: Mood
    }

    struct Misspelled: StructuredOutput {
        var name: String
        static let schemaHints: SchemaHints = ["nmae": .maxLength(3)]
    }

    /// Contains itself without an optional or an array: it cannot be decoded from finite JSON.
    final class Ouroboros: Decodable {
        let tail: Ouroboros
    }

    /// Reads whatever keys arrive: its object must stay open.
    struct Tally: Decodable {
        var counts: [String: Int]

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            var counts: [String: Int] = [:]
            for key in container.allKeys { counts[key.stringValue] = try container.decode(Int.self, forKey: key) }
            self.counts = counts
        }
    }

    /// An enum with associated values: its cases cannot be listed, so it is a clear error.
    enum Shape: Decodable {
        case circle(radius: Double)
        case square(side: Double)
    }
}
