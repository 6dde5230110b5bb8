import Foundation
import LLM
import Testing

@Suite struct ToolCallAssemblerTests {
    @Test func serversRepeatingIdAndNameDoNotDoubleTheName() throws {
        var assembler = ToolCallAssembler()
        var events = assembler.receive(index: 0, id: "call_1", name: "get_weather", arguments: "{\"city\":")
        events += assembler.receive(index: 0, id: "call_1", name: "get_weather", arguments: "\"Oslo\"}")
        events += try assembler.finish()
        #expect(events == [
            .toolCallStart(index: 0, id: "call_1", name: "get_weather"),
            .toolCallDelta(index: 0, arguments: "{\"city\":"),
            .toolCallDelta(index: 0, arguments: "\"Oslo\"}"),
            .toolCall(index: 0, ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Oslo"])),
        ])
    }

    @Test func parallelCallsInterleavedByIndex() throws {
        var assembler = ToolCallAssembler()
        _ = assembler.receive(index: 0, id: "a", name: "f", arguments: "{\"x\":")
        _ = assembler.receive(index: 1, id: "b", name: "g", arguments: "{\"y\":")
        _ = assembler.receive(index: 0, id: nil, name: nil, arguments: "1}")
        _ = assembler.receive(index: 1, id: nil, name: nil, arguments: "2}")
        let calls = try assembler.finish()
        #expect(calls == [
            .toolCall(index: 0, ToolCall(id: "a", name: "f", arguments: ["x": 1])),
            .toolCall(index: 1, ToolCall(id: "b", name: "g", arguments: ["y": 2])),
        ])
    }

    @Test func fragmentsWithoutIndexMatchByIdOrContinueTheOpenCall() throws {
        var assembler = ToolCallAssembler()
        _ = assembler.receive(index: nil, id: "a", name: "f", arguments: "{")
        _ = assembler.receive(index: nil, id: nil, name: nil, arguments: "\"k\":true")
        _ = assembler.receive(index: nil, id: "b", name: "g", arguments: "{}")
        _ = assembler.receive(index: nil, id: "a", name: nil, arguments: "}")
        #expect(try assembler.finish() == [
            .toolCall(index: 0, ToolCall(id: "a", name: "f", arguments: ["k": true])),
            .toolCall(index: 1, ToolCall(id: "b", name: "g", arguments: [:])),
        ])
    }

    @Test func missingIdGetsAStableOneAndStartWaitsForTheName() throws {
        var assembler = ToolCallAssembler()
        #expect(assembler.receive(index: 3, id: nil, name: nil, arguments: "{\"a\"").isEmpty)
        #expect(assembler.receive(index: 3, id: nil, name: "f", arguments: ":1}") == [
            .toolCallStart(index: 0, id: "call_0", name: "f"), .toolCallDelta(index: 0, arguments: "{\"a\":1}"),
        ])
    }

    @Test(arguments: ["[1,2]", "not json", "{\"a\":"])
    func argumentsThatAreNotAnObjectThrow(raw: String) {
        #expect(throws: LLMError.self) { try ToolArguments.parse(raw, toolName: "t") }
    }

    @Test func emptyArgumentsMeanNoArguments() throws {
        #expect(try ToolArguments.parse("  ", toolName: "t") == .object([:]))
    }

    @Test(arguments: [
        #"{"city":"Paris","days":3,"ratio":0.5,"whole":4.0,"tags":["a",null,true],"nested":{"k":"\u00e9\n"}}"#,
        "\n\t {\"a\":1} \r\n", "\u{00A0}{\"a\":[]}\u{2003}", #"{"big":12345678901234567890,"tiny":1e-300}"#,
    ])
    func argumentsReadAsJSONDecoderReadsThem(raw: String) throws {
        // The library's parser stands in for JSONDecoder here: same values (`4.0` an integer), and the same
        // leniency for whitespace around the object, Unicode spaces included.
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(raw.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
        #expect(try ToolArguments.parse(raw, toolName: "t") == expected)
    }

    @Test func argumentsOutOfRangeOrCutShortKeepTheirRawText() {
        for raw in [#"{"n":1e400}"#, #"{"a":"b"#, #"{"a":1} {"b":2}"#] {
            do {
                _ = try ToolArguments.parse(raw, toolName: "lookup")
                Issue.record("\(raw) was read as arguments")
            } catch {
                guard case .invalidToolArguments(let tool, let kept, _) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(tool == "lookup")
                #expect(kept == raw)
            }
        }
    }
}
