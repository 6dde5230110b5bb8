import LLM
import Testing

/// Typed structured output against a real llama.cpp server running a real small model: the schema is
/// derived from the Swift types, sent as `response_format.json_schema`, enforced by the server's grammar,
/// validated and decoded.
@Suite(.enabled(if: LocalServer.isConfigured, "set LLM_E2E_BASE_URL (scripts/test.sh does)"), .serialized)
struct StructuredEndToEndTests {
    let provider = LocalServer.provider(LocalServer.baseURL)

    enum Mood: String, Decodable, CaseIterable, Sendable {
        case happy, calm, grumpy
    }

    struct Address: Decodable, Sendable, StructuredOutput {
        var city: String
        var country: String

        static let schemaHints: SchemaHints = ["city": .length(1...20), "country": .length(1...20)]
    }

    struct Person: Decodable, Sendable, StructuredOutput {
        var name: String
        var age: Int
        var mood: Mood
        var address: Address
        var hobbies: [String]

        // Short strings and few items keep the reply well inside the token limit (a cut-off reply is an
        // HTTP 500 from llama.cpp).
        static let schemaHints = SchemaHints(description: "A fictional person", [
            "name": .description("Full name").length(1...20),
            "age": .range(18...90),
            "hobbies": .items(1...3).length(1...15),
        ])
    }

    static let prompt: [Message] = [.user("Invent a person who lives in Paris. Reply in JSON.")]

    @Test func generateDecodesANestedType() async throws {
        let result = try await provider.generateResponse(
            Person.self, from: ChatRequest(model: LocalServer.model, messages: Self.prompt),
            options: GenerateOptions(maxTokens: 300, temperature: 0))
        let person = result.value
        #expect((1...20).contains(person.name.count))
        #expect((18...90).contains(person.age))
        #expect((1...20).contains(person.address.city.count))
        #expect((1...3).contains(person.hobbies.count))
        #expect(person.hobbies.allSatisfy { (1...15).contains($0.count) })
        #expect(result.usage.outputTokens > 0)
        #expect(SchemaValidator(try JSONSchema.derived(from: Person.self)).validate(result.json).isEmpty)
    }

    @Test func generateWithMessagesReturnsTheValue() async throws {
        let address = try await provider.generate(
            Address.self, model: LocalServer.model, messages: [.user("Where is the Eiffel Tower? Give the city and country.")],
            options: GenerateOptions(maxTokens: 300, temperature: 0))
        #expect(!address.city.isEmpty)
        #expect(!address.country.isEmpty)
    }

    @Test func streamObjectYieldsPartialsThenTheValidatedValue() async throws {
        var partials = 0
        var final: Person?
        for try await partial in provider.streamObject(
            Person.self, model: LocalServer.model, messages: Self.prompt, options: GenerateOptions(maxTokens: 300, temperature: 0))
        {
            if partial.isFinal { final = partial.value } else { partials += 1 }
        }
        #expect(partials > 3)
        let person = try #require(final)
        #expect((18...90).contains(person.age))
    }
}
