import Foundation
import LLM
import LLMTesting
import Testing

extension StructuredTests {
    @Suite struct SchemaNormalizerTests {
        static func recipe() throws -> JSONSchema { try JSONSchema.derived(from: Recipe.self) }

        /// Every object node of a schema, for checks that must hold everywhere.
        static func objects(in schema: JSONValue) -> [[String: JSONValue]] {
            var found: [[String: JSONValue]] = []
            func visit(_ value: JSONValue) {
                switch value {
                case .object(let object):
                    if object["properties"] != nil { found.append(object) }
                    object.values.forEach(visit)
                case .array(let array): array.forEach(visit)
                default: break
                }
            }
            visit(schema)
            return found
        }

        @Test func openAIStrictClosesObjectsRequiresEverythingAndMakesOptionalsNullable() throws {
            let strict = SchemaNormalizer.openAIStrict(try Self.recipe()).value
            let objects = Self.objects(in: strict)
            #expect(objects.count == 2)
            for object in objects {
                #expect(object["additionalProperties"] == false)
                let keys = (object["properties"]?.objectValue ?? [:]).keys.sorted()
                #expect(object["required"] == .array(keys.map(JSONValue.string)))
            }
            let properties = try #require(strict["properties"])
            #expect(properties["notes"] == ["type": ["string", "null"]])
            #expect(properties["ingredients"]?["items"]?["properties"]?["grams"] == ["type": ["integer", "null"], "minimum": 1, "maximum": 5000])
            // String lengths are not strict-mode keywords: they move into the description.
            #expect(properties["title"] == ["type": "string", "description": "The dish's name (minLength: 1, maxLength: 60)"])
            #expect(properties["tags"] == [
                "type": "array", "items": ["type": "string", "description": "(maxLength: 20)"], "minItems": 0, "maxItems": 5,
            ])
            #expect(properties["difficulty"] == ["type": "string", "enum": ["easy", "medium", "hard"]])
            #expect(SchemaNormalizer.isOpenAIStrictCompatible(JSONSchema(strict)))
        }

        @Test func openAIStrictHandlesReferencesFlagsAndFormats() throws {
            let employee = SchemaNormalizer.openAIStrict(try JSONSchema.derived(from: Employee.self)).value
            #expect(employee["required"] == ["manager", "name"])
            #expect(employee["properties"]?["manager"] == ["anyOf": [["$ref": "#"], ["type": "null"]]])

            let schema = JSONSchema([
                "type": "object",
                "properties": [
                    "link": ["type": "string", "format": "uri"],
                    "when": ["type": "string", "format": "date-time"],
                    "either": ["oneOf": [["type": "string"], ["type": "integer"]]],
                    "legacy": ["type": "string", "nullable": true],
                ],
                "required": ["link", "when", "either", "legacy"],
            ])
            let properties = try #require(SchemaNormalizer.openAIStrict(schema).value["properties"])
            #expect(properties["link"] == ["type": "string", "description": "(format: uri)"])
            #expect(properties["when"] == ["type": "string", "format": "date-time"])
            #expect(properties["either"] == ["anyOf": [["type": "string"], ["type": "integer"]]])
            #expect(properties["legacy"] == ["type": ["string", "null"]])
        }

        @Test func dictionariesAndAnyValuesTurnStrictOff() throws {
            let everything = try JSONSchema.derived(from: Everything.self)
            #expect(!SchemaNormalizer.isOpenAIStrictCompatible(SchemaNormalizer.openAIStrict(everything)))
            guard case .jsonSchema(_, _, let strict) = StructuredOutputStyle.openAIStrict.responseFormat(name: "e", schema: everything) else {
                Issue.record("expected a JSON schema format")
                return
            }
            #expect(strict == false)
            guard case .jsonSchema(_, _, let recipeStrict) = StructuredOutputStyle.openAIStrict.responseFormat(name: "r", schema: try Self.recipe()) else {
                Issue.record("expected a JSON schema format")
                return
            }
            #expect(recipeStrict == true)
            // An object that takes any keys stays open, and strict mode is off.
            let tally = SchemaNormalizer.openAIStrict(try JSONSchema.derived(from: Tally.self))
            #expect(tally.value["additionalProperties"] == nil)
            #expect(!SchemaNormalizer.isOpenAIStrictCompatible(tally))
        }

        @Test func anthropicClosesObjectsAndMovesUnsupportedBounds() throws {
            let schema = SchemaNormalizer.anthropic(try Self.recipe()).value
            for object in Self.objects(in: schema) { #expect(object["additionalProperties"] == false) }
            // Optional properties stay optional; nullable types become anyOf.
            #expect(schema["required"] == ["difficulty", "ingredients", "servings", "tags", "title"])
            let properties = try #require(schema["properties"])
            #expect(properties["notes"] == ["anyOf": [["type": "string"], ["type": "null"]]])
            #expect(properties["servings"] == ["type": "integer", "description": "(minimum: 1, maximum: 12)"])
            #expect(properties["ingredients"]?["minItems"] == 1)
            #expect(properties["ingredients"]?["maxItems"] == nil)
            #expect(properties["ingredients"]?["description"] == "(maxItems: 20)")
            #expect(properties["ingredients"]?["items"]?["properties"]?["grams"] == [
                "anyOf": [["type": "integer"], ["type": "null"]], "description": "(minimum: 1, maximum: 5000)",
            ])
            let many = SchemaNormalizer.anthropic(JSONSchema(["type": "array", "items": ["type": "string"], "minItems": 2])).value
            #expect(many == ["type": "array", "items": ["type": "string"], "description": "(minItems: 2)"])
            let nullableEnum = SchemaNormalizer.anthropic(JSONSchema(["type": ["string", "null"], "enum": ["a", nil], "description": "d"])).value
            #expect(nullableEnum == ["anyOf": [["type": "string", "enum": ["a"]], ["type": "null"]], "description": "d"])
        }

        @Test func geminiUsesTheProvidersSubsetAndIsStable() throws {
            let schema = SchemaNormalizer.gemini(try Self.recipe()).value
            #expect(schema["type"] == "OBJECT")
            #expect(Self.objects(in: schema).allSatisfy { $0["additionalProperties"] == nil })
            #expect(schema["properties"]?["notes"] == ["type": "STRING", "nullable": true])
            #expect(schema["properties"]?["servings"] == ["type": "INTEGER", "minimum": 1, "maximum": 12])
            // The provider normalises again when it builds the request: that must change nothing.
            #expect(SchemaNormalizer.gemini(JSONSchema(schema)).value == schema)
        }

        @Test func plainStylesSendTheSchemaAsDerived() throws {
            let recipe = try Self.recipe()
            #expect(SchemaNormalizer.normalize(recipe, for: .ollama) == recipe)
            #expect(SchemaNormalizer.normalize(recipe, for: .openAICompatible) == recipe)
            #expect(StructuredOutputStyle.openAICompatible.responseFormat(name: "r", schema: recipe) == .jsonSchema(name: "r", schema: recipe, strict: false))
            #expect(StructuredOutputStyle.ollama.responseFormat(name: "r", schema: recipe) == .jsonSchema(name: "r", schema: recipe, strict: true))
        }

        @Test func styleIsInferredFromTheProvider() {
            let transport = ReplayTransport([])
            #expect(StructuredOutputStyle.inferred(for: OpenAIProvider(configuration: OpenAIConfiguration(), transport: transport)) == .openAIStrict)
            let local = OpenAIProvider(configuration: OpenAIConfiguration(name: "llamacpp", baseURL: "http://127.0.0.1:8080/v1"), transport: transport)
            #expect(StructuredOutputStyle.inferred(for: local) == .openAICompatible)
            #expect(StructuredOutputStyle.inferred(for: OpenAIResponsesProvider(configuration: OpenAIConfiguration(), transport: transport)) == .openAIStrict)
            #expect(StructuredOutputStyle.inferred(for: AnthropicProvider(configuration: AnthropicConfiguration(), transport: transport)) == .anthropic)
            #expect(StructuredOutputStyle.inferred(for: GeminiProvider(configuration: GeminiConfiguration(), transport: transport)) == .gemini)
            #expect(StructuredOutputStyle.inferred(for: OllamaProvider(transport: transport)) == .ollama)
            #expect(StructuredOutputStyle.inferred(for: MockProvider(name: "openai", replies: [])) == .openAIStrict)
            #expect(StructuredOutputStyle.inferred(for: MockProvider(name: "my-claude", replies: [])) == .anthropic)
            #expect(StructuredOutputStyle.inferred(for: MockProvider(name: "mock", replies: [])) == .openAICompatible)
        }
    }
}
