import Foundation
import LLM
import MCP
import Testing

@testable import LLMMCP

@Suite struct MCPConversionTests {
    @Test func jsonValuesSurviveTheRoundTrip() {
        let json: JSONValue = ["s": "text", "i": 3, "d": 1.5, "b": true, "n": nil, "a": [1, "two"], "o": ["k": "v"]]
        #expect(MCPValueConversion.jsonValue(MCPValueConversion.mcpValue(json)) == json)
    }

    @Test func argumentsAreAnObjectOrNothing() {
        #expect(MCPValueConversion.arguments([:]) == nil)
        #expect(MCPValueConversion.arguments(["a": 1]) == ["a": .int(1)])
        // Not an object: MCP arguments are named, so there is nothing to send.
        #expect(MCPValueConversion.arguments([1, 2]) == nil)
    }

    @Test func toolsMapToModelTools() throws {
        let tool = MCP.Tool(
            name: "get_current_time", description: "Get current time",
            inputSchema: .object(["type": "object", "properties": .object(["timezone": .object(["type": "string"])]), "required": ["timezone"]]))
        let definition = MCPToolContent.definition(of: tool, name: "time_get_current_time")
        #expect(definition.name == "time_get_current_time")
        #expect(definition.description == "Get current time")
        #expect(definition.parameters.value == ["type": "object", "properties": ["timezone": ["type": "string"]], "required": ["timezone"]])
    }

    @Test func contentBecomesText() {
        let content: [MCP.Tool.Content] = [
            .text(text: "first", annotations: nil, _meta: nil),
            .image(data: "AAAA", mimeType: "image/png", annotations: nil, _meta: nil),
            .resource(resource: .text("inside", uri: "file:///a.txt")),
            .resourceLink(uri: "file:///b.txt", name: "b"),
        ]
        #expect(MCPToolContent.text(of: content) == "first\n[image: image/png]\ninside\n[resource link: b file:///b.txt]")
    }

    @Test func structuredContentIsUsedWhenThereIsNoContent() {
        #expect(MCPToolContent.text(of: [], structured: .object(["ok": true])) == #"{"ok":true}"#)
        #expect(MCPToolContent.text(of: []) == "")
    }
}
