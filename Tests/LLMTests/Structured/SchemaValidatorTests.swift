import LLM
import Testing

extension StructuredTests {
    @Suite struct SchemaValidatorTests {
        static let person = JSONSchema([
            "type": "object",
            "properties": [
                "name": ["type": "string", "minLength": 1, "maxLength": 5],
                "age": ["type": "integer", "minimum": 0, "maximum": 130],
                "mood": ["type": "string", "enum": ["happy", "sad"]],
                "address": [
                    "type": "object", "properties": ["city": ["type": "string"], "zip": ["type": ["string", "null"]]],
                    "required": ["city"], "additionalProperties": false,
                ],
                "tags": ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 2],
                "score": ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1],
                "nickname": ["type": "string", "nullable": true],
                "first name": ["type": "string"],
            ],
            "required": ["name", "age"],
            "additionalProperties": false,
        ])

        func errors(_ value: JSONValue, _ schema: JSONSchema = Self.person) -> [String] {
            SchemaValidator(schema).validate(value).map(\.description)
        }

        @Test func validValuePasses() {
            #expect(errors([
                "name": "Ada", "age": 36, "mood": "happy", "address": ["city": "London", "zip": nil], "tags": ["x"], "score": 0.5,
                "nickname": nil, "first name": "Ada",
            ]) == [])
        }

        @Test func typeErrorsNameThePathAndBothTypes() {
            #expect(errors(["name": "Ada", "age": "old", "address": ["city": 7]]) == [
                "$.address.city: expected string, got integer",
                "$.age: expected integer, got string",
            ])
            #expect(errors(["name": "Ada", "age": 3.5]) == ["$.age: expected integer, got number"])
            #expect(errors(["name": "Ada", "age": 3.0]) == [])
            #expect(errors("just text") == ["$: expected object, got string"])
        }

        @Test func requiredAndAdditionalProperties() {
            #expect(errors(["age": 1, "address": ["zip": "1"], "email": "a@b"]) == [
                "$.name: required property is missing",
                "$.address.city: required property is missing",
                "$.email: unexpected property",
            ])
            #expect(errors(["name": "A", "age": 1, "first name": 2]) == [#"$["first name"]: expected string, got integer"#])
        }

        @Test func boundsAndEnums() {
            // Properties are checked in key order.
            #expect(errors(["name": "", "age": -1, "mood": "angry", "score": 1]) == [
                "$.age: must be >= 0, got -1",
                #"$.mood: must be one of "happy", "sad"; got "angry""#,
                "$.name: must be at least 1 character, got 0",
                "$.score: must be < 1, got 1",
            ])
            #expect(errors(["name": "Adalbert", "age": 131, "score": 0]) == [
                "$.age: must be <= 130, got 131",
                "$.name: must be at most 5 characters, got 8",
                "$.score: must be > 0, got 0",
            ])
        }

        @Test func arraysCheckCountsAndItems() {
            #expect(errors(["name": "A", "age": 1, "tags": []]) == ["$.tags: must have at least 1 item, got 0"])
            #expect(errors(["name": "A", "age": 1, "tags": ["a", 2, "c"]]) == [
                "$.tags: must have at most 2 items, got 3",
                "$.tags[1]: expected string, got integer",
            ])
            let unique = JSONSchema(["type": "array", "uniqueItems": true])
            #expect(errors(["a", "a"], unique) == ["$: must not repeat items"])
        }

        @Test func nullableTypesAndFlags() {
            #expect(errors(["name": "A", "age": 1, "nickname": 3]) == ["$.nickname: expected string or null, got integer"])
            #expect(errors(["name": "A", "age": 1, "address": ["city": "X", "zip": 5]]) == ["$.address.zip: expected string or null, got integer"])
        }

        @Test func anyOfReportsTheClosestBranch() {
            let schema = JSONSchema([
                "anyOf": [
                    ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
                    ["type": "null"],
                ],
            ])
            #expect(errors(nil, schema) == [])
            #expect(errors(["city": "Oslo"], schema) == [])
            // The object branch has the right type, so its error is the useful one.
            #expect(errors(["city": 1], schema) == ["$.city: expected string, got integer"])
            #expect(errors(true, schema) == ["$: expected object or null, got boolean"])
        }

        @Test func referencesAndRecursion() throws {
            let schema = try JSONSchema.derived(from: Category.self)
            #expect(errors(["name": "a", "subcategories": [["name": "b", "subcategories": [["name": "c", "subcategories": []]]]]], schema) == [])
            #expect(errors(["name": "a", "subcategories": [["name": "b", "subcategories": [["name": "c"]]]]], schema) == [
                "$.subcategories[0].subcategories[0].subcategories: required property is missing",
            ])
            #expect(errors(1, JSONSchema(["$ref": "#/$defs/missing"])) == ["$: the schema's reference #/$defs/missing cannot be resolved"])
            // A reference cycle that never reaches the value ends instead of looping.
            #expect(errors(1, JSONSchema(["$ref": "#"])) == ["$: the schema's reference # cannot be resolved"])
        }

        @Test func constPatternFormatAndAllOf() {
            #expect(errors("b", JSONSchema(["const": "a"])) == [#"$: must be "a"; got "b""#])
            #expect(errors("abc", JSONSchema(["type": "string", "pattern": "^[0-9]+$"])) == ["$: must match the pattern ^[0-9]+$"])
            #expect(errors("123", JSONSchema(["type": "string", "pattern": "^[0-9]+$"])) == [])
            #expect(errors("2024-05-01T09:30:00Z", JSONSchema(["type": "string", "format": "date-time"])) == [])
            #expect(errors("2024-05-01T09:30:00.250+02:00", JSONSchema(["type": "string", "format": "date-time"])) == [])
            #expect(errors("yesterday", JSONSchema(["type": "string", "format": "date-time"])) == [
                "$: must be an ISO 8601 date-time such as 2024-05-01T09:30:00Z",
            ])
            #expect(errors(5, JSONSchema(["allOf": [["minimum": 1], ["maximum": 3]]])) == ["$: must be <= 3, got 5"])
            #expect(errors(5, JSONSchema(.bool(true))) == [])
            #expect(errors(5, JSONSchema(.bool(false))) == ["$: no value is allowed here"])
        }
    }
}
