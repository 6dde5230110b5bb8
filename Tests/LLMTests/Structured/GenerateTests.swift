import Foundation
import LLM
import LLMTesting
import Testing

extension StructuredTests {
    @Suite struct GenerateTests {
        static let invalidRecipe: JSONValue = [
            "title": "Pancakes", "servings": 40, "difficulty": "trivial", "ingredients": [["name": 3]], "tags": [],
        ]
        static let invalidErrors = [
            #"$.difficulty: must be one of "easy", "medium", "hard"; got "trivial""#,
            "$.ingredients[0].name: expected string, got integer",
            "$.servings: must be <= 12, got 40",
        ]

        @Test func decodesTheReplyAndSendsTheDerivedSchemaNatively() async throws {
            let mock = MockProvider(replies: [.json(Recipe.pancakesJSON)])
            let recipe = try await mock.generate(Recipe.self, model: "m", messages: [.user("Pancakes for four")], system: "You cook.")
            #expect(recipe == Recipe.pancakes)
            let request = try #require(mock.requests.first)
            #expect(request.system == "You cook.")
            #expect(request.messages == [.user("Pancakes for four")])
            // "mock" is no known provider: the schema goes as derived (plain JSON Schema), not strict.
            #expect(request.responseFormat == .jsonSchema(name: "Recipe", schema: try JSONSchema.derived(from: Recipe.self), strict: false))
        }

        @Test func theStyleShapesTheWireSchema() async throws {
            let openAI = MockProvider(name: "openai", replies: [.json(Recipe.pancakesJSON)])
            _ = try await openAI.generate(Recipe.self, model: "m", messages: [.user("x")])
            let strict = StructuredOutputStyle.openAIStrict.responseFormat(name: "Recipe", schema: try JSONSchema.derived(from: Recipe.self))
            #expect(openAI.requests.first?.responseFormat == strict)

            let overridden = MockProvider(name: "openai", replies: [.json(Recipe.pancakesJSON)])
            _ = try await overridden.generate(Recipe.self, model: "m", messages: [.user("x")], options: GenerateOptions(style: .anthropic, schemaName: "dish"))
            guard case .jsonSchema(let name, let schema, _)? = overridden.requests.first?.responseFormat else {
                Issue.record("expected a JSON schema format")
                return
            }
            #expect(name == "dish")
            #expect(schema == SchemaNormalizer.anthropic(try JSONSchema.derived(from: Recipe.self)))
        }

        @Test func optionsAndRequestFieldsReachTheProvider() async throws {
            let mock = MockProvider(replies: [.json(Recipe.pancakesJSON), .json(Recipe.pancakesJSON)])
            var request = ChatRequest(model: "m", messages: [.user("x")], maxTokens: 50, temperature: 0.9, seed: 3)
            _ = try await mock.generate(Recipe.self, from: request, options: GenerateOptions(maxTokens: 300))
            request.maxTokens = 300
            request.responseFormat = .jsonSchema(name: "Recipe", schema: try JSONSchema.derived(from: Recipe.self), strict: false)
            #expect(mock.requests.first == request)
            _ = try await mock.generate(Recipe.self, from: request, options: GenerateOptions(temperature: 0))
            #expect(mock.requests.last?.temperature == 0)
            #expect(mock.requests.last?.maxTokens == 300)
        }

        @Test func anInvalidReplyIsRepairedOnceWithItsErrors() async throws {
            let mock = MockProvider(replies: [.json(Self.invalidRecipe), .json(Recipe.pancakesJSON)])
            let result = try await mock.generateResponse(Recipe.self, from: ChatRequest(model: "m", messages: [.user("Pancakes")]))
            #expect(result.value == Recipe.pancakes)
            #expect(result.attempts == 2)
            #expect(result.json == Recipe.pancakesJSON)
            #expect(result.usage.outputTokens == 2)  // both rounds: MockProvider counts words, and compact JSON is one
            #expect(mock.requests.count == 2)
            let repair = try #require(mock.requests.last)
            #expect(repair.messages.count == 3)
            #expect(repair.messages[0] == .user("Pancakes"))
            #expect(repair.messages[1].role == .assistant)
            #expect(repair.messages[1].text == Self.invalidRecipe.jsonString)
            #expect(repair.messages[2].role == .user)
            for error in Self.invalidErrors { #expect(repair.messages[2].text.contains(error)) }
            // The repair round still asks for the schema natively.
            #expect(repair.responseFormat == mock.requests[0].responseFormat)
        }

        @Test func exhaustedRepairsThrowATypedErrorWithTheRawTextAndErrors() async throws {
            let mock = MockProvider(replies: [.json(Self.invalidRecipe), .json(Self.invalidRecipe)])
            await #expect(throws: StructuredOutputError.validationFailed(raw: Self.invalidRecipe.jsonString, errors: Self.invalidErrors.map(Self.error))) {
                try await mock.generate(Recipe.self, model: "m", messages: [.user("x")])
            }
            #expect(mock.requests.count == 2)
        }

        @Test func repairAttemptsAreConfigurable() async throws {
            let none = MockProvider(replies: [.json(Self.invalidRecipe), .json(Recipe.pancakesJSON)])
            await #expect(throws: StructuredOutputError.self) {
                try await none.generate(Recipe.self, model: "m", messages: [.user("x")], options: GenerateOptions(repairAttempts: 0))
            }
            #expect(none.requests.count == 1)

            let two = MockProvider(replies: [.json(Self.invalidRecipe), .text("nope"), .json(Recipe.pancakesJSON)])
            let recipe = try await two.generate(Recipe.self, model: "m", messages: [.user("x")], options: GenerateOptions(repairAttempts: 2))
            #expect(recipe == Recipe.pancakes)
            #expect(two.requests.count == 3)
        }

        @Test func textThatIsNotJSONIsRepairedToo() async throws {
            let mock = MockProvider(replies: [.text("Sure! Here is a recipe: pancakes."), .json(Recipe.pancakesJSON)])
            #expect(try await mock.generate(Recipe.self, model: "m", messages: [.user("x")]) == Recipe.pancakes)
            #expect(mock.requests.last?.messages.last?.text.hasPrefix("Your reply is not valid JSON") == true)

            let stubborn = MockProvider(replies: [.text("no"), .text("still no")])
            do {
                _ = try await stubborn.generate(Recipe.self, model: "m", messages: [.user("x")])
                Issue.record("expected an error")
            } catch let error as StructuredOutputError {
                guard case .invalidJSON(let raw, let reason) = error else {
                    Issue.record("expected invalidJSON, got \(error)")
                    return
                }
                #expect(raw == "still no")
                #expect(!reason.isEmpty)
            }
        }

        @Test func jsonInAFenceAfterThinkingOrAmongProseIsAccepted() async throws {
            let fenced = "```json\n" + Recipe.pancakesJSON.jsonString + "\n```"
            let prose = "Here it is: " + Recipe.pancakesJSON.jsonString + " Enjoy!"
            let thinking = "<think>\nThe user wants pancakes.\n</think>\n" + Recipe.pancakesJSON.jsonString
            let mock = MockProvider(replies: [.text(fenced), .text(prose), .text(thinking)])
            for _ in 0..<3 { #expect(try await mock.generate(Recipe.self, model: "m", messages: [.user("x")]) == Recipe.pancakes) }
            #expect(mock.requests.count == 3)
        }

        @Test func decodingFailuresAreRepairedThenTyped() async throws {
            let repaired = MockProvider(replies: [.json(["value": 3]), .json(["value": 4])])
            #expect(try await repaired.generate(EvenNumber.self, model: "m", messages: [.user("x")]).value == 4)
            #expect(repaired.requests.last?.messages.last?.text.contains("$.value: must be even") == true)

            let failing = MockProvider(replies: [.json(["value": 3]), .json(["value": 5])])
            await #expect(throws: StructuredOutputError.decodingFailed(raw: #"{"value":5}"#, reason: "$.value: must be even")) {
                try await failing.generate(EvenNumber.self, model: "m", messages: [.user("x")])
            }
        }

        @Test func aReplyCutOffByTheTokenLimitIsNotRepaired() async throws {
            let mock = MockProvider(replies: [MockReply(.text(#"{"title": "Pan"#), stopReason: .maxTokens), .json(Recipe.pancakesJSON)])
            await #expect(throws: StructuredOutputError.truncated(raw: #"{"title": "Pan"#)) {
                try await mock.generate(Recipe.self, model: "m", messages: [.user("x")])
            }
            #expect(mock.requests.count == 1)
        }

        @Test func nonObjectTypesTravelWrapped() async throws {
            let list = MockProvider(replies: [.json(["value": ["tea", "coffee"]])])
            #expect(try await list.generate([String].self, model: "m", messages: [.user("Two drinks")]) == ["tea", "coffee"])
            guard case .jsonSchema(_, let schema, _)? = list.requests.first?.responseFormat else {
                Issue.record("no schema")
                return
            }
            #expect(schema.value == [
                "type": "object", "properties": ["value": ["type": "array", "items": ["type": "string"]]], "required": ["value"],
                "additionalProperties": false,
            ])

            let label = MockProvider(replies: [.json(["value": "hard"])])
            #expect(try await label.generate(Difficulty.self, model: "m", messages: [.user("Soufflé?")]) == .hard)

            let wrong = MockProvider(replies: [.json(["value": "extreme"]), .json(["value": "medium"])])
            #expect(try await wrong.generate(Difficulty.self, model: "m", messages: [.user("x")]) == .medium)
            #expect(wrong.requests.last?.messages.last?.text.contains(#"$.value: must be one of "easy", "medium", "hard"; got "extreme""#) == true)
        }

        @Test func datesURLsAndRecursiveTypesDecode() async throws {
            struct Event: Decodable, Equatable { var name: String; var at: Date; var link: URL }
            let mock = MockProvider(replies: [.json(["name": "Launch", "at": "2024-05-01T09:30:00Z", "link": "https://example.com/launch"])])
            let event = try await mock.generate(Event.self, model: "m", messages: [.user("x")])
            #expect(event == Event(name: "Launch", at: Date(timeIntervalSince1970: 1_714_555_800), link: URL(string: "https://example.com/launch")!))

            let tree: JSONValue = ["name": "All", "subcategories": [["name": "Tea", "subcategories": []]]]
            let categories = MockProvider(replies: [.json(tree)])
            let category = try await categories.generate(Category.self, model: "m", messages: [.user("x")])
            #expect(category == Category(name: "All", subcategories: [Category(name: "Tea", subcategories: [])]))
        }

        @Test(arguments: ["mock", "openai"])
        func roundTripThroughJSONBuiltFromTheRequestSchema(providerName: String) async throws {
            let mock = MockProvider(name: providerName, replies: [.jsonFromRequestSchema])
            let recipe = try await mock.generate(Recipe.self, model: "m", messages: [.user("x")])
            #expect(recipe.difficulty == .easy)
            #expect(recipe.servings == 1)
            #expect(recipe.ingredients.count == 1)
            #expect(mock.requests.count == 1)
        }

        @Test func schemaProblemsFailBeforeAnyRequest() async throws {
            let mock = MockProvider(replies: [.json(["mood": "happy"])])
            await #expect(throws: StructuredOutputError.self) {
                try await mock.generate(HasMood.self, model: "m", messages: [.user("x")])
            }
            #expect(mock.requests.isEmpty)
        }

        // MARK: Real providers, scripted wire

        @Test func openAISendsTheStrictSchemaInResponseFormat() async throws {
            let body = JSONValue.object([
                "id": "c1", "object": "chat.completion", "model": "gpt-4o-mini",
                "choices": [["index": 0, "message": ["role": "assistant", "content": .string(Recipe.pancakesJSON.jsonString)], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30],
            ]).jsonString
            let transport = ReplayTransport([.init(body: body)])
            let provider = OpenAIProvider(configuration: OpenAIConfiguration(apiKey: "sk-test"), transport: transport)
            let result = try await provider.generateResponse(Recipe.self, from: ChatRequest(model: "gpt-4o-mini", messages: [.user("x")]))
            #expect(result.value == Recipe.pancakes)
            #expect(result.usage.outputTokens == 20)
            let format = try #require(transport.requestBodies.first?["response_format"])
            #expect(format["type"] == "json_schema")
            #expect(format["json_schema"]?["name"] == "Recipe")
            #expect(format["json_schema"]?["strict"] == true)
            #expect(format["json_schema"]?["schema"] == SchemaNormalizer.openAIStrict(try JSONSchema.derived(from: Recipe.self)).value)
        }

        @Test func anthropicSendsItsDialectInOutputConfig() async throws {
            let body = JSONValue.object([
                "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
                "content": [["type": "text", "text": .string(Recipe.pancakesJSON.jsonString)]], "stop_reason": "end_turn",
                "usage": ["input_tokens": 10, "output_tokens": 20],
            ]).jsonString
            let transport = ReplayTransport([.init(body: body)])
            let provider = AnthropicProvider(configuration: AnthropicConfiguration(baseURL: "http://replay/v1", apiKey: "k"), transport: transport)
            #expect(try await provider.generate(Recipe.self, model: "claude-x", messages: [.user("x")]) == Recipe.pancakes)
            let format = try #require(transport.requestBodies.first?["output_config"]?["format"])
            #expect(format["schema"] == SchemaNormalizer.anthropic(try JSONSchema.derived(from: Recipe.self)).value)
        }

        static func error(_ text: String) -> SchemaValidationError {
            let colon = text.range(of: ": ")!
            return SchemaValidationError(path: String(text[..<colon.lowerBound]), message: String(text[colon.upperBound...]))
        }
    }
}
