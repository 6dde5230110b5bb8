import LLM
import LLMTesting
import Testing

/// JSON Schemas rewritten into the OpenAPI subset Gemini's `Schema` accepts, read back from the tool
/// declarations and `responseSchema` the provider sent.
@Suite struct GeminiSchemaTests {
    func sentParameters(_ schema: JSONValue) async throws -> JSONValue? {
        let body = try await sentBody(ChatRequest(
            model: "gemini-2.5-flash", messages: [.user("x")],
            tools: [Tool(name: "place_order", description: "Places an order", parameters: JSONSchema(schema))]))
        return body["tools"]?.arrayValue?.first?["functionDeclarations"]?.arrayValue?.first?["parameters"]
    }

    func sentBody(_ request: ChatRequest) async throws -> JSONValue {
        let transport = ReplayTransport([.init(body: try Fixtures.text("conformance/gemini/plain-text.json"))])
        let provider = GeminiProvider(configuration: GeminiConfiguration(baseURL: "http://stub/v1beta", retryPolicy: .none), transport: transport)
        _ = try await provider.complete(request)
        return try #require(transport.requestBodies.first)
    }

    static let order: JSONValue = [
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Order",
        "type": "object",
        "additionalProperties": false,
        "properties": [
            "id": ["type": "string", "format": "uuid", "description": "Order id"],
            "placed": ["type": "string", "format": "date-time"],
            "quantity": ["type": "integer", "format": "int64", "minimum": 1, "exclusiveMaximum": 100, "default": 1],
            "note": ["type": ["string", "null"], "maxLength": 200],
            "status": ["const": "open"],
            "priority": ["enum": [1, 2, 3]],
            "customer": ["$ref": "#/$defs/Customer", "description": "Who ordered"],
            "coupon": ["anyOf": [["$ref": "#/$defs/Coupon"], ["type": "null"]], "default": nil],
            "payment": ["oneOf": [
                ["type": "object", "properties": ["card": ["type": "string"]]],
                ["type": "object", "properties": ["iban": ["type": "string"]]],
            ]],
            "tags": ["type": "array", "items": ["type": "string"], "minItems": 1, "uniqueItems": true],
            "audit": ["allOf": [["$ref": "#/$defs/Stamp"], ["properties": ["by": ["type": "string"]], "required": ["by"]]]],
        ],
        "required": ["id", "quantity", "ghost"],
        "$defs": [
            "Customer": [
                "type": "object", "title": "Customer", "properties": ["name": ["type": "string"]], "required": ["name"],
                "additionalProperties": false,
            ],
            "Coupon": ["type": "object", "properties": ["code": ["type": "string", "pattern": "^[A-Z]{4}$"]]],
            "Stamp": ["type": "object", "properties": ["at": ["type": "string", "format": "date-time"]], "required": ["at"]],
        ],
    ]

    static let normalisedOrder: JSONValue = [
        "type": "OBJECT",
        "properties": [
            "id": ["type": "STRING", "description": "Order id"],
            "placed": ["type": "STRING", "format": "date-time"],
            "quantity": ["type": "INTEGER", "format": "int64", "minimum": 1],
            "note": ["type": "STRING", "nullable": true, "maxLength": 200],
            "status": ["type": "STRING", "enum": ["open"]],
            "priority": ["type": "STRING", "enum": ["1", "2", "3"]],
            "customer": ["type": "OBJECT", "description": "Who ordered", "properties": ["name": ["type": "STRING"]], "required": ["name"]],
            "coupon": ["type": "OBJECT", "nullable": true, "properties": ["code": ["type": "STRING", "pattern": "^[A-Z]{4}$"]]],
            "payment": ["anyOf": [
                ["type": "OBJECT", "properties": ["card": ["type": "STRING"]]],
                ["type": "OBJECT", "properties": ["iban": ["type": "STRING"]]],
            ]],
            "tags": ["type": "ARRAY", "items": ["type": "STRING"], "minItems": 1],
            "audit": [
                "type": "OBJECT", "properties": ["at": ["type": "STRING", "format": "date-time"], "by": ["type": "STRING"]],
                "required": ["at", "by"],
            ],
        ],
        "required": ["id", "quantity"],
    ]

    @Test func pydanticStyleSchemaBecomesGeminiSubset() async throws {
        #expect(try await sentParameters(Self.order) == Self.normalisedOrder)
    }

    @Test func structuredOutputSchemaIsNormalisedToo() async throws {
        let body = try await sentBody(ChatRequest(
            model: "gemini-2.5-flash", messages: [.user("x")],
            responseFormat: .jsonSchema(name: "order", schema: JSONSchema(Self.order))))
        #expect(body["generationConfig"]?["responseSchema"] == Self.normalisedOrder)
        #expect(body["generationConfig"]?["responseMimeType"] == "application/json")
    }

    @Test func recursiveReferenceStopsAtAnOpenObject() async throws {
        let schema: JSONValue = [
            "$ref": "#/$defs/Node",
            "$defs": ["Node": ["type": "object", "properties": ["value": ["type": "integer"], "next": ["$ref": "#/$defs/Node"]]]],
        ]
        #expect(try await sentParameters(schema) == [
            "type": "OBJECT", "properties": ["value": ["type": "INTEGER"], "next": ["type": "OBJECT"]],
        ])
    }

    @Test func severalTypesBecomeAnyOfAndTuplesAnyItem() async throws {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "key": ["type": ["string", "integer", "null"], "description": "An id"],
                "pair": ["type": "array", "items": [["type": "string"], ["type": "number"]]],
                "flag": ["anyOf": [["type": "boolean"]], "description": "On or off"],
            ],
        ]
        #expect(try await sentParameters(schema) == [
            "type": "OBJECT",
            "properties": [
                "key": ["anyOf": [["type": "STRING"], ["type": "INTEGER"]], "nullable": true, "description": "An id"],
                "pair": ["type": "ARRAY", "items": ["anyOf": [["type": "STRING"], ["type": "NUMBER"]]]],
                "flag": ["type": "BOOLEAN", "description": "On or off"],
            ],
        ])
    }

    @Test func toolWithoutArgumentsDeclaresNoParameters() async throws {
        let body = try await sentBody(ChatRequest(
            model: "gemini-2.5-flash", messages: [.user("x")], tools: [Tool(name: "ping", description: "Checks the link")]))
        #expect(body["tools"] == [["functionDeclarations": [["name": "ping", "description": "Checks the link"]]]])
    }

    @Test func packageSchemaHelpersSurviveUnchangedInMeaning() async throws {
        let schema = JSONSchema.object([
            "city": .string(description: "City name", enum: ["Paris", "Oslo"]), "days": .array(of: .integer()),
        ])
        #expect(try await sentParameters(schema.value) == [
            "type": "OBJECT",
            "properties": [
                "city": ["type": "STRING", "description": "City name", "enum": ["Paris", "Oslo"]],
                "days": ["type": "ARRAY", "items": ["type": "INTEGER"]],
            ],
            "required": ["city", "days"],
        ])
    }
}
