import LLM
import LLMTesting
import Testing

extension StructuredTests {
    @Suite struct StreamObjectTests {
        /// Spaced JSON, so MockProvider streams it in many word-sized pieces. The optional `notes` come last,
        /// so the value decodes before the reply is complete.
        static let reply = #"""
            {"title": "Pancakes", "servings": 4, "difficulty": "easy", "ingredients": [{"name": "flour", "grams": 200}, {"name": "milk"}], "tags": ["breakfast"], "notes": "Serve warm with syrup"}
            """#

        static var expected: Recipe {
            var recipe = Recipe.pancakes
            recipe.notes = "Serve warm with syrup"
            return recipe
        }

        @Test func partialsGrowThenTheFinalValueArrives() async throws {
            let mock = MockProvider(replies: [.text(Self.reply)])
            var partials: [PartialObject<Recipe>] = []
            for try await partial in mock.streamObject(Recipe.self, model: "m", messages: [.user("Pancakes")]) {
                partials.append(partial)
            }
            let final = try #require(partials.last)
            #expect(final.isFinal)
            #expect(final.value == Self.expected)
            #expect(partials.dropLast().allSatisfy { !$0.isFinal })
            #expect(partials.count > 10)
            // Each partial extends the one before, and the whole reply extends them all.
            let full = try JSONValue(parsing: Self.reply)
            #expect(final.json == full)
            for (earlier, later) in zip(partials, partials.dropFirst()) {
                #expect(PartialJSONTests.isPrefix(earlier.json, of: later.json))
                #expect(earlier.json != later.json || later.isFinal)
            }
            // The title is readable while the rest is still arriving.
            #expect(partials.contains { $0.json["title"] == "Pancakes" && $0.json["tags"] == nil })
            // Before the end the JSON already decodes: the notes arrive word by word.
            let early = partials.filter { !$0.isFinal && $0.value != nil }
            #expect(early.contains { $0.value?.notes == "Serve warm" })
            #expect(partials.first { $0.json["servings"] != nil }?.value == nil)
            #expect(mock.requests.first?.responseFormat == StructuredOutputStyle.openAICompatible.responseFormat(
                name: "Recipe", schema: try JSONSchema.derived(from: Recipe.self)))
        }

        @Test func anInvalidStreamIsRepairedAndOnlyTheRepairIsFinal() async throws {
            let mock = MockProvider(replies: [.json(GenerateTests.invalidRecipe), .json(Recipe.pancakesJSON)])
            var partials: [PartialObject<Recipe>] = []
            for try await partial in mock.streamObject(Recipe.self, from: ChatRequest(model: "m", messages: [.user("x")])) {
                partials.append(partial)
            }
            #expect(partials.last?.isFinal == true)
            #expect(partials.last?.value == Recipe.pancakes)
            #expect(partials.filter(\.isFinal).count == 1)
            #expect(mock.requests.count == 2)
            #expect(mock.requests.last?.messages.last?.text.contains("$.servings: must be <= 12, got 40") == true)
        }

        @Test func exhaustedRepairsEndTheStreamWithTheTypedError() async throws {
            let mock = MockProvider(replies: [.json(GenerateTests.invalidRecipe)], repeatLastReply: true)
            var finals = 0
            do {
                for try await partial in mock.streamObject(Recipe.self, model: "m", messages: [.user("x")]) where partial.isFinal {
                    finals += 1
                }
                Issue.record("expected an error")
            } catch let error as StructuredOutputError {
                guard case .validationFailed(let raw, let errors) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(raw == GenerateTests.invalidRecipe.jsonString)
                #expect(errors.map(\.description) == GenerateTests.invalidErrors)
            }
            #expect(finals == 0)
            #expect(mock.requests.count == 2)
        }

        @Test func wrappedValuesStreamUnwrapped() async throws {
            let mock = MockProvider(replies: [.text(#"{"value": ["tea", "green coffee", "milk"]}"#)])
            var jsons: [JSONValue] = []
            var final: [String]?
            for try await partial in mock.streamObject([String].self, model: "m", messages: [.user("x")]) {
                jsons.append(partial.json)
                if partial.isFinal { final = partial.value }
            }
            #expect(final == ["tea", "green coffee", "milk"])
            #expect(jsons.contains(["tea", "green"]))
            #expect(jsons.allSatisfy { $0.arrayValue != nil })
        }

        @Test func providerErrorsEndTheStream() async throws {
            let mock = MockProvider(replies: [MockReply(.textThenError(#"{"title": "Pan"#, .network(reason: "reset")))])
            var partials = 0
            do {
                for try await _ in mock.streamObject(Recipe.self, model: "m", messages: [.user("x")]) { partials += 1 }
                Issue.record("expected an error")
            } catch {
                #expect(error as? LLMError == .network(reason: "reset"))
            }
            #expect(partials >= 1)
        }
    }
}
