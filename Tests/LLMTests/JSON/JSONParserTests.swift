import Foundation
import Testing

@testable import LLM

/// The hand-written parser the stream paths use instead of JSONDecoder: it must read every valid
/// document as Foundation does, and refuse what is not JSON with the offset where it stops fitting.
@Suite struct JSONParserTests {
    static let valid = [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        #"  [ 1 , -2 , 3.5 , -0.25e2 , 1E3 , 0 , -0 ]  "#,
        #""plain""#,
        #""esc\"apes\\ \/ \b\f\n\r\t end""#,
        #""\u00e9\u4e2d\ud83d\ude00 and é中😀""#,
        #"{"big":9223372036854775807,"bigger":9223372036854775808,"small":-9223372036854775808}"#,
        #"{"nested":[[[[{"x":[{}]}]]]],"empty":{},"list":[]}"#,
        "12345",
        "null",
    ]

    @Test(arguments: valid)
    func readsValidJSONAsFoundationDoes(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test func integersStayIntegersAndOthersBecomeDoubles() throws {
        #expect(try JSONParser.parse("42") == .int(42))
        #expect(try JSONParser.parse("-7") == .int(-7))
        #expect(try JSONParser.parse("4.5") == .double(4.5))
        // Whole numbers written as decimals are integers, as when JSONValue is decoded by Codable.
        #expect(try JSONParser.parse("4.0") == .int(4))
        #expect(try JSONParser.parse("1e2") == .int(100))
        // Up to 18 bytes are read digit by digit; longer ones through Int's own parsing. Both agree at the edge.
        #expect(try JSONParser.parse("999999999999999999") == .int(999_999_999_999_999_999))
        #expect(try JSONParser.parse("-99999999999999999") == .int(-99_999_999_999_999_999))
        #expect(try JSONParser.parse("-999999999999999999") == .int(-999_999_999_999_999_999))
        #expect(try JSONParser.parse("-0") == .int(0))
        #expect(try OpenAIChatChunk.parse(#"{"usage":{"prompt_tokens":1731000000,"completion_tokens":-12}}"#).usage?.completion_tokens == -12)
        // One past Int.max does not fit an Int: it is read as a Double, not refused.
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
    }

    @Test func escapedSurrogatesJoinAndLoneOnesBecomeReplacementCharacters() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""a\ud83db""#) == .string("a\u{FFFD}b"))
        #expect(try JSONParser.parse(#""\ude00""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
    }

    static let invalid: [(String, Int)] = [
        ("", 0),
        ("{", 1),
        (#"{"a":1,}"#, 7),
        ("[1,]", 3),
        ("[1 2]", 3),
        ("01", 1),
        ("1.", 2),
        ("-", 1),
        ("1e", 2),
        ("+1", 0),
        (".5", 0),
        ("tru", 0),
        ("nul", 0),
        ("NaN", 0),
        ("1e400", 0),
        (#""unterminated"#, 0),
        ("\"tab\there\"", 4),
        (#""bad \x escape""#, 6),
        (#""\u12G4""#, 5),
        (#"{"a" 1}"#, 5),
        (#"{1:2}"#, 1),
        ("[1] [2]", 4),
        ("{\"a\":1}x", 7),
    ]

    @Test(arguments: invalid)
    func refusesInvalidJSONSayingWhere(_ text: String, offset: Int) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
        // Foundation agrees that none of these is JSON, except trailing commas, which it lets pass.
        if !text.contains(",]"), !text.contains(",}") {
            #expect((try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) == nil)
        }
    }

    @Test func nestingIsCappedInsteadOfExhaustingTheStack() throws {
        let deepest = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try JSONParser.parse(deepest) }
        let tooDeep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(tooDeep) }
    }

    @Test func ofRepeatedNamesTheLastCounts() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":true,"a":2}"#) == ["a": 2, "b": true])
        #expect(try OpenAIChatChunk.parse(#"{"model":"first","model":"last"}"#).model == "last")
        #expect(try OpenAIChatChunk.parse(#"{"model":"first","model":null}"#).model == nil)
    }

    @Test func wireTypesReadNamesByWhatTheirEscapesStandFor() throws {
        // `\u006d` is "m": a name written with escapes is the same name.
        #expect(try OpenAIChatChunk.parse(#"{"\u006dodel":"escaped"}"#).model == "escaped")
        #expect(try OpenAIChatChunk.parse(#"{"id":"c1","model":"m\n\u00e9"}"#).model == "m\né")
        #expect(try OpenAIChatChunk.parse(#"{"modelx":"other","mode":"other"}"#).model == nil, "only the exact name matches")
    }

    @Test func aFieldOfTheWrongTypeIsAShapeErrorNamingIt() throws {
        do {
            _ = try OpenAIChatChunk.parse(#"{"model":42}"#)
            Issue.record("a number is not a model name")
        } catch let error as JSONShapeError {
            #expect(error.field == "model")
            #expect(error.expected == "a string")
        }
        #expect(throws: JSONSyntaxError.self) { try OpenAIChatChunk.parse(#"{"model":"m""#) }
    }

    @Test func longStringsAreScannedRightWhereverTheirSpecialBytesFall() throws {
        // Strings are scanned eight bytes at a time: a quote, an escape or a control character is found at
        // every position of a word, and non-ASCII bytes are not mistaken for any of them.
        for position in 0..<20 {
            let before = String(repeating: "é", count: position / 2) + String(repeating: "a", count: position % 2)
            let after = String(repeating: "b", count: 19 - position)
            #expect(try JSONParser.parse("\"\(before)\\n\(after)\"") == .string(before + "\n" + after))
            #expect(try JSONParser.parse("[\"\(before)\",\"\(after)\"]") == .array([.string(before), .string(after)]))
            let control = "\"\(before)\u{01}\(after)\""
            do {
                _ = try JSONParser.parse(control)
                Issue.record("a control character inside a string must be refused")
            } catch {
                #expect(error.offset == 1 + before.utf8.count)
            }
        }
    }

    @Test func invalidUTF8InsideAStringIsReplacedNotRefused() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]  // "a\xFFb"
        let value = try bytes.withUnsafeBytes { try JSONParser.parse($0) }
        #expect(value == .string("a\u{FFFD}b"))
    }
}
