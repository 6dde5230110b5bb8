import Foundation
import NIOCore
import Testing

@testable import LLM

/// Request bodies are written by hand; Foundation must read back exactly the value written.
@Suite struct JSONWriterTests {
    static let values: [JSONValue] = [
        .null, true, false, 0, -42, .int(Int.max), .int(Int.min),
        0.1, -2.5, 1e-5, 1.5e20, 123456.789,
        "", "plain", "quote \" backslash \\ slash / newline \n tab \t return \r",
        .string("controls \u{0}\u{1}\u{8}\u{C}\u{1F} end"), "é中😀 \u{2028}",
        [], [1, "two", [3.5, nil]],
        ["b": 1, "a": ["nested": ["deep": true]], "": "empty key", "quote\"key": nil],
    ]

    @Test(arguments: values)
    func foundationReadsBackTheValueWritten(_ value: JSONValue) throws {
        var buffer = ByteBuffer()
        value.writeJSON(to: &buffer)
        let readBack = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        #expect(readBack == value, "\(String(buffer: buffer))")
        #expect(try JSONParser.parse(String(buffer: buffer)) == value)
    }

    @Test func keysAreSortedAndTheOutputIsCompact() {
        var buffer = ByteBuffer()
        JSONValue.object(["b": 1, "a": [true, nil], "c": "x"]).writeJSON(to: &buffer)
        #expect(String(buffer: buffer) == #"{"a":[true,null],"b":1,"c":"x"}"#)
    }

    @Test func keysWithPrecomposedAndDecomposedAccentsAlwaysComeOutInOneOrder() {
        // Found by FuzzJSONParser: String's `<` left these two keys unordered, so the order followed the
        // dictionary's per-process hashing. Fresh dictionaries of different sizes iterate differently.
        var outputs: Set<String> = []
        for extra in 0..<64 {
            var members: [String: JSONValue] = [:]
            for filler in 0..<extra { members["k\(filler)"] = .null }
            members["e\u{301}"] = 1
            members["\u{e9}("] = 2
            for filler in 0..<extra { members["k\(filler)"] = nil }
            var buffer = ByteBuffer()
            JSONValue.object(members).writeJSON(to: &buffer)
            outputs.insert(String(buffer: buffer))
        }
        #expect(outputs == [#"{"e\#u{301}":1,"\#u{e9}(":2}"#])
    }

    @Test func controlCharactersAreEscapedAndTheRestIsUTF8() {
        var buffer = ByteBuffer()
        JSONValue.string("a\u{1}\n\"é").writeJSON(to: &buffer)
        #expect(String(buffer: buffer) == #""a\u0001\n\"é""#)
    }

    @Test func nonFiniteNumbersBecomeNull() {
        var buffer = ByteBuffer()
        JSONValue.array([.double(.infinity), .double(-.infinity), .double(.nan)]).writeJSON(to: &buffer)
        #expect(String(buffer: buffer) == "[null,null,null]")
    }
}
