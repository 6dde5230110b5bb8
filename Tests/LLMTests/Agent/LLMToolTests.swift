import LLM
import LLMTesting
import NIOConcurrencyHelpers
import Testing

struct City: Decodable, Sendable { var name: String }

/// A tool as a type: constant name and description, the schema from its input.
struct WeatherTool: LLMTool {
    let name = "get_weather"
    let description = "Current weather for a city"
    func call(_ input: City) async throws -> String { "21 °C and sunny in \(input.name)" }
}

/// One type, several tools: the name set by an initializer, a ToolOutput returned.
struct ConstantTool: LLMTool {
    struct Nothing: Decodable, Sendable {}
    let name: String
    let description = "Returns a constant"
    let value: JSONValue
    func call(_ input: Nothing) async throws -> ToolOutput { .json(value) }
}

/// A tool whose schema cannot be made.
struct UnschemaedTool: LLMTool {
    let name = "broken"
    let description = "Cannot describe its input"
    var schema: JSONSchema {
        get throws(StructuredOutputError) { throw .schemaDerivationFailed(type: "City", reason: "no way to walk it") }
    }
    func call(_ input: City) async throws -> String { "never" }
}

@Suite struct LLMToolTests {
    /// The README says a schema that cannot be derived fails the run at once: nothing is sent.
    @Test func aToolWhoseSchemaCannotBeMadeFailsTheRunBeforeAnyCall() async throws {
        let mock = MockProvider(replies: [.text("unused")])
        await #expect(throws: AgentError.self) { try await Agent(model: mock.model("m"), tools: [UnschemaedTool()]).run("x") }
        do {
            _ = try await Agent(model: mock.model("m"), tools: [UnschemaedTool()]).run("x")
        } catch let error as AgentError {
            if case .toolSchema(let name, _) = error { #expect(name == "broken") } else { Issue.record("\(error)") }
        }
        #expect(mock.requests.isEmpty)
    }

    @Test func toolTypesGoStraightIntoAnAgent() async throws {
        let mock = MockProvider(replies: [
            .toolCall("get_weather", arguments: ["name": "Oslo"]), .toolCall("answer", arguments: [:], id: "call_2"), .text("done"),
        ])
        let agent = Agent(model: mock.model("m"), tools: [WeatherTool(), ConstantTool(name: "answer", value: 42)])
        let result = try await agent.run("Weather in Oslo?")
        #expect(result.text == "done")
        let results = result.messages.compactMap(\.toolResult)
        #expect(results.map(\.content) == ["21 °C and sunny in Oslo", "42"])
        let offered = try #require(mock.requests.first?.tools)
        #expect(offered.map(\.name) == ["get_weather", "answer"])
        #expect(offered[0].parameters.value["properties"]?["name"]?["type"] == "string", "the schema comes from City")
    }

    @Test func argumentsThatDoNotDecodeAreAnErrorResultNotACall() async throws {
        let mock = MockProvider(replies: [.toolCall("get_weather", arguments: ["city": "Oslo"]), .text("sorry")])
        let result = try await Agent(model: mock.model("m"), tools: [WeatherTool()]).run("x")
        let toolResult = try #require(result.messages.compactMap(\.toolResult).first)
        #expect(toolResult.isError && toolResult.content.contains("name"), "\(toolResult.content)")
    }

    /// A refused call reaches the model as an error result with the reason; the allowed one runs; the loop goes on.
    @Test func theApprovalHookIsAskedAndARefusalIsAnErrorResult() async throws {
        let mock = MockProvider(replies: [
            MockReply(.toolCalls([
                ToolCall(id: "a", name: "get_weather", arguments: ["name": "Oslo"]),
                ToolCall(id: "b", name: "get_weather", arguments: ["name": "Paris"]),
            ], text: "")),
            .text("done"),
        ])
        let asked = NIOLockedValueBox<[String]>([])
        let options = AgentOptions(approveToolCall: { call in
            asked.withLockedValue { $0.append(call.id) }
            return call.arguments["name"] == "Paris" ? .deny(reason: "not in Paris") : .allow
        })
        let result = try await Agent(model: mock.model("m"), tools: [WeatherTool()], options: options).run("x")
        #expect(result.text == "done")
        #expect(asked.withLockedValue { $0.sorted() } == ["a", "b"])
        let results = result.messages.compactMap(\.toolResult)
        #expect(results[0].content == "21 °C and sunny in Oslo" && !results[0].isError)
        #expect(results[1].isError && results[1].content == "The call to 'get_weather' was not allowed: not in Paris")
        #expect(mock.requests.count == 2, "the loop went on after the refusal")
    }
}
