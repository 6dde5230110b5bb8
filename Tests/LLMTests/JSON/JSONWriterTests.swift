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
