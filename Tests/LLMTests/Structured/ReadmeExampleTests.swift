import LLM
import LLMTesting
import Testing

// The README's typed structured-output example, run against a scripted provider (the README's own snippet is
// compiled by ReadmeSnippetTests; this copy checks what it does).
extension StructuredTests {
    enum Sentiment: String, Decodable, CaseIterable {
        case positive, neutral, negative
    }

    struct Review: StructuredOutput {
        var summary: String
        var sentiment: Sentiment  // -> "enum": ["positive", "neutral", "negative"]
        var stars: Int
        var pros: [String]
        var reply: String?  // optional: may be left out (or null)

        static let schemaHints = SchemaHints(description: "A customer review, analysed", [
            "summary": .description("One sentence").maxLength(120),
            "stars": .range(1...5),
            "pros": .items(0...3).maxLength(40),
        ])
    }

    @Suite struct ReadmeExampleTests {
        @Test func readmeExample() async throws {
            let reviewJSON: JSONValue = ["summary": "Great battery, weak camera.", "sentiment": "positive", "stars": 4, "pros": ["battery"]]
            let provider = MockProvider(replies: [.json(reviewJSON), .text(#"{"summary": "Great battery", "sentiment": "positive", "stars": 4, "pros": []}"#)])
            var printed: [String] = []
            func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }

            // README begins
            let review = try await provider.generate(
                Review.self, model: "gpt-4o-mini", messages: [.user("Analyse: 'Great battery, weak camera. 4/5'")])
            print(review.sentiment, review.stars)  // positive 4

            for try await partial in provider.streamObject(Review.self, model: "gpt-4o-mini", messages: [.user("Analyse: ...")]) {
                if let summary = partial.json["summary"]?.stringValue { print(summary) }  // grows as it arrives
                if partial.isFinal, let review = partial.value { print(review.stars) }
            }
            // README ends

            #expect(printed.first == "positive 4")
            #expect(printed.contains("Great"))
            #expect(printed.last == "4")
        }
    }
}
