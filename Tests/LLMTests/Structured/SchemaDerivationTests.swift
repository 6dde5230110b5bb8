import Foundation
import LLM
import Testing

extension StructuredTests {
    @Suite struct SchemaDerivationTests {
        static let ingredient: JSONValue = [
            "type": "object",
            "properties": [
                "name": ["type": "string", "maxLength": 30],
                "grams": ["type": ["integer", "null"], "minimum": 1, "maximum": 5000],
            ],
            "required": ["name"],
            "additionalProperties": false,
        ]

        @Test func nestedTypeWithArraysOptionalsEnumsAndHints() throws {
            let schema = try JSONSchema.derived(from: Recipe.self).value
            let expected: JSONValue = [
                "type": "object",
                "description": "A cooking recipe",
                "properties": [
                    "title": ["type": "string", "description": "The dish's name", "minLength": 1, "maxLength": 60],
                    "servings": ["type": "integer", "minimum": 1, "maximum": 12],
                    "difficulty": ["type": "string", "enum": ["easy", "medium", "hard"]],
                    "ingredients": ["type": "array", "items": Self.ingredient, "minItems": 1, "maxItems": 20],
                    "tags": ["type": "array", "items": ["type": "string", "maxLength": 20], "minItems": 0, "maxItems": 5],
                    "notes": ["type": ["string", "null"]],
                ],
                "required": ["difficulty", "ingredients", "servings", "tags", "title"],
                "additionalProperties": false,
            ]
            #expect(schema == expected)
        }

        @Test func optionalsAreNotRequiredAndAcceptNull() throws {
            let schema = try JSONSchema.derived(from: Ingredient.self).value
            #expect(schema == Self.ingredient)
            #expect(SchemaValidator(JSONSchema(schema)).validate(["name": "salt", "grams": nil]).isEmpty)
            #expect(SchemaValidator(JSONSchema(schema)).validate(["name": "salt"]).isEmpty)
        }

        @Test func foundationTypesCollectionsAndIntegerEnums() throws {
            let properties = try #require(JSONSchema.derived(from: Everything.self).value["properties"])
            #expect(properties["date"] == ["type": "string", "format": "date-time"])
            #expect(properties["url"] == ["type": "string", "format": "uri"])
            #expect(properties["id"] == ["type": "string", "format": "uuid"])
            #expect(properties["small"] == ["type": "integer", "minimum": -128, "maximum": 127])
            #expect(properties["count"] == ["type": "integer", "minimum": 0])
            #expect(properties["ratio"] == ["type": "number"])
            #expect(properties["amount"] == ["type": "number"])
            #expect(properties["blob"] == ["type": "string", "contentEncoding": "base64"])
            #expect(properties["flags"] == ["type": "array", "items": ["type": "string"], "uniqueItems": true])
            #expect(properties["scores"] == ["type": "object", "additionalProperties": ["type": "integer"]])
            #expect(properties["maybeNames"] == ["type": "array", "items": ["type": ["string", "null"]]])
            #expect(properties["grid"] == ["type": "array", "items": ["type": "array", "items": ["type": "number"]]])
            #expect(properties["priority"] == ["type": "integer", "enum": [1, 2]])
            #expect(properties["anything"] == [:])
        }

        @Test func rootEnumAndArrayAndWrapper() throws {
            #expect(try JSONSchema.derived(from: Difficulty.self).value == ["type": "string", "enum": ["easy", "medium", "hard"]])
            #expect(try JSONSchema.derived(from: [String].self).value == ["type": "array", "items": ["type": "string"]])
            #expect(try JSONSchema.derived(from: Email.self).value == ["type": "string"])
            #expect(try JSONSchema.derived(from: Int?.self).value == ["type": ["integer", "null"]])
        }

        @Test func recursiveRootTypeRefersToTheRoot() throws {
            let schema = try JSONSchema.derived(from: Category.self).value
            #expect(schema == [
                "type": "object",
                "properties": ["name": ["type": "string"], "subcategories": ["type": "array", "items": ["$ref": "#"]]],
                "required": ["name", "subcategories"],
                "additionalProperties": false,
            ])
            let employee = try JSONSchema.derived(from: Employee.self).value
            #expect(employee["properties"]?["manager"] == ["anyOf": [["$ref": "#"], ["type": "null"]]])
            #expect(employee["required"] == ["name"])
        }

        @Test func recursiveInnerTypeGoesToDefinitions() throws {
            let schema = try JSONSchema.derived(from: Catalog.self).value
            #expect(schema["properties"]?["root"] == ["$ref": "#/$defs/Category"])
            let category = try #require(schema["$defs"]?["Category"])
            #expect(category["properties"]?["subcategories"]?["items"] == ["$ref": "#/$defs/Category"])
            // The definitions make a usable schema: a nested value validates, a broken one is found deep down.
            let validator = SchemaValidator(JSONSchema(schema))
            let valid: JSONValue = ["title": "Shop", "root": ["name": "All", "subcategories": [["name": "Tea", "subcategories": []]]]]
            #expect(validator.validate(valid).isEmpty)
            let broken: JSONValue = ["title": "Shop", "root": ["name": "All", "subcategories": [["name": 3, "subcategories": []]]]]
            #expect(validator.validate(broken).map(\.description) == ["$.root.subcategories[0].name: expected string, got integer"])
        }

        @Test func handwrittenDecodingIsFollowed() throws {
            let schema = try JSONSchema.derived(from: Handwritten.self).value
            #expect(schema == [
                "type": "object",
                "properties": [
                    "label": ["type": "string"],
                    "size": ["type": "integer"],
                    "comment": ["type": ["string", "null"]],
                    "position": [
                        "type": "object", "properties": ["x": ["type": "number"], "y": ["type": "number"]], "required": ["x", "y"],
                        "additionalProperties": false,
                    ],
                ],
                "required": ["comment", "label", "position"],
                "additionalProperties": false,
            ])
        }

        @Test func typesThatListTheirKeysStayOpen() throws {
            #expect(try JSONSchema.derived(from: Tally.self).value == ["type": "object", "properties": [:], "required": []])
        }

        @Test func enumsWithAssociatedValuesAreAClearError() {
            #expect {
                try JSONSchema.derived(from: Shape.self)
            } throws: { error in
                guard case .schemaDerivationFailed(let type, let reason)? = error as? StructuredOutputError else { return false }
                return type == "Shape" && reason.contains("associated values")
            }
        }

        @Test func placeholderValuesSatisfyChecksInInit() throws {
            // EvenNumber's init rejects odd values; the placeholder 0 passes.
            #expect(try JSONSchema.derived(from: EvenNumber.self).value["required"] == ["value"])
        }

        @Test func hintsWorkThroughTheBuilderAPI() {
            let hint = PropertyHint.description("Age").range(0...130).allowed("a", "b").length(2...4).items(1...3).pattern("^a").format("email")
            #expect(hint == PropertyHint(
                description: "Age", allowedValues: ["a", "b"], minimum: 0, maximum: 130, minLength: 2, maxLength: 4, minItems: 1, maxItems: 3,
                pattern: "^a", format: "email"))
            #expect(PropertyHint.range(0.5...1.5).minimum == 0.5)
            #expect(SchemaHints().properties.isEmpty)
        }

        @Test func nonCaseIterableEnumIsAClearError() {
            #expect {
                try JSONSchema.derived(from: HasMood.self)
            } throws: { error in
                guard case .schemaDerivationFailed(let type, let reason)? = error as? StructuredOutputError else { return false }
                return type == "Mood" && reason.contains("CaseIterable")
            }
        }

        @Test func misspelledHintIsAnError() {
            #expect(throws: StructuredOutputError.schemaDerivationFailed(type: "Misspelled", reason: "schemaHints name unknown properties: nmae")) {
                try JSONSchema.derived(from: Misspelled.self)
            }
        }

        @Test func selfContainmentWithoutOptionalIsAnError() {
            #expect {
                try JSONSchema.derived(from: Ouroboros.self)
            } throws: { error in
                guard case .schemaDerivationFailed(_, let reason)? = error as? StructuredOutputError else { return false }
                return reason.contains("contains itself at tail")
            }
        }
    }
}
