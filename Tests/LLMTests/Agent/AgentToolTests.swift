import LLM
import Testing

@Suite struct AgentToolTests {
    struct Trip: Decodable, Sendable {
        struct Stop: Decodable, Sendable {
            var city: String
            var minutes: Int
        }
        enum Mode: String, Decodable, CaseIterable, Sendable { case train, bus }
        var mode: Mode
        var stops: [Stop]
    }

    static let tripSchema = JSONSchema.object([
        "mode": .string(enum: ["train", "bus"]),
        "stops": .array(of: .object(["city": .string(), "minutes": .integer()])),
    ])

    let trip = AgentTool(name: "plan_trip", description: "Plans a trip", input: Trip.self, schema: tripSchema) { trip in
        "\(trip.mode.rawValue) via \(trip.stops.map(\.city).joined(separator: ", "))"
    }

    @Test func decodesArgumentsAndRunsTheHandler() async throws {
        let output = try await trip.call(arguments: ["mode": "train", "stops": [["city": "Lyon", "minutes": 10], ["city": "Nice", "minutes": 5]]])
        #expect(output == .text("train via Lyon, Nice"))
        #expect(!output.isError)
    }

    @Test func definitionCarriesNameDescriptionAndSchema() {
        #expect(trip.definition == Tool(name: "plan_trip", description: "Plans a trip", parameters: Self.tripSchema))
        #expect(trip.erased.definition == trip.definition)
        #expect(trip.erased.name == "plan_trip")
    }

    @Test func missingFieldIsAnErrorResultNamingIt() async throws {
        let ran = Recorder<Bool>()
        let tool = AgentTool(name: "get_weather", description: "", input: CityInput.self, schema: citySchema) { _ in
            ran.append(true)
            return "never"
        }
        let output = try await tool.call(arguments: ["town": "Paris"])
        #expect(output.isError)
        #expect(output.content.contains("missing required field '$.city'"))
        #expect(output.content.contains("get_weather"))
        // The schema is repeated so the model can correct itself.
        #expect(output.content.contains(citySchema.value.jsonString))
        #expect(ran.values.isEmpty)
    }

    @Test func wrongTypeDeepInsideIsReportedWithItsPath() async throws {
        let output = try await trip.call(arguments: ["mode": "bus", "stops": [["city": "Lyon", "minutes": 10], ["city": "Nice", "minutes": "five"]]])
        #expect(output.isError)
        #expect(output.content.contains("at '$.stops[1].minutes'"))
    }

    @Test func invalidEnumValueIsReported() async throws {
        let output = try await trip.call(arguments: ["mode": "plane", "stops": []])
        #expect(output.isError)
        #expect(output.content.contains("at '$.mode'"))
        #expect(output.content.contains("plane"))
    }

    @Test func nullForARequiredValueIsReported() async throws {
        let output = try await trip.call(arguments: ["mode": nil, "stops": []])
        #expect(output.isError)
        #expect(output.content.contains("at '$.mode': a value is required"))
    }

    @Test func argumentsThatAreNotAnObjectAreAnErrorResult() async throws {
        let output = try await trip.call(arguments: ["train", "bus"])
        #expect(output.isError)
        #expect(output.content.hasPrefix("Invalid arguments for tool 'plan_trip'"))
    }

    @Test func handlerErrorsAreRethrown() async throws {
        struct Boom: Error {}
        let tool = AgentTool(name: "boom", description: "", input: CityInput.self, schema: citySchema) { _ -> String in throw Boom() }
        await #expect(throws: Boom.self) { try await tool.call(arguments: ["city": "Paris"]) }
    }

    @Test func handlersMayReturnJSONOrAnError() async throws {
        struct Reading: Encodable { var celsius: Int }
        let json = AgentTool(name: "j", description: "", input: CityInput.self, schema: citySchema) { _ in
            try .json(encoding: Reading(celsius: 21))
        }
        #expect(try await json.call(arguments: ["city": "Paris"]) == ToolOutput(content: #"{"celsius":21}"#))
        let failing = AgentTool(name: "f", description: "", input: CityInput.self, schema: citySchema) { input in
            ToolOutput.error("no weather station in \(input.city)")
        }
        let output = try await failing.call(arguments: ["city": "Atlantis"])
        #expect(output == ToolOutput(content: "no weather station in Atlantis", isError: true))
    }

    @Test func outputBecomesTheResultOfItsCall() {
        let call = ToolCall(id: "c7", name: "skill", arguments: [:])
        let result = ToolOutput(content: "instructions", isProtected: true).result(for: call)
        #expect(result == ToolResult(toolCallID: "c7", name: "skill", content: "instructions", isError: false, isProtected: true))
    }

    @Test func rawJSONToolsReceiveTheArgumentsAsTheyCame() async throws {
        let tool = AnyAgentTool(definition: Tool(name: "echo", description: "Echoes")) { arguments in .json(arguments) }
        #expect(try await tool.call(arguments: ["a": [1, 2]]).content == #"{"a":[1,2]}"#)
    }

    @Test func theSchemaIsDerivedFromTheInputType() async throws {
        let derived = try AgentTool(name: "plan_trip", description: "Plans a trip", input: Trip.self) { trip in
            "\(trip.stops.count) stops"
        }
        let schema = derived.schema.value
        #expect(schema["type"] == "object")
        #expect(schema["properties"]?["mode"]?["enum"] == ["train", "bus"])
        #expect(schema["properties"]?["stops"]?["type"] == "array")
        #expect(schema["properties"]?["stops"]?["items"]?["properties"]?["minutes"]?["type"] == "integer")
        #expect(Set(schema["required"]?.arrayValue ?? []) == ["mode", "stops"])
        #expect(derived.definition.parameters == derived.schema)
        #expect(try await derived.call(arguments: ["mode": "bus", "stops": [["city": "Lyon", "minutes": 3]]]) == .text("1 stops"))
        // Decoding errors name the field and quote the derived schema.
        let wrong = try await derived.call(arguments: ["mode": "bus"])
        #expect(wrong.isError)
        #expect(wrong.content.contains("missing required field '$.stops'"))
        #expect(wrong.content.contains(derived.schema.value.jsonString))
    }

    @Test func aTypeThatCannotBeWalkedFailsDerivation() {
        struct Opaque: Decodable {
            struct Refused: Error {}
            init(from decoder: any Decoder) throws { throw Refused() }
        }
        #expect(throws: StructuredOutputError.self) {
            try AgentTool(name: "opaque", description: "", input: Opaque.self) { _ in "never" }
        }
    }
}
