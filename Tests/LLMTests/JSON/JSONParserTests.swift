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

    @Test func theTapesStackBufferFitsWhatIsAlwaysKeptOnTheStack() {
        // `withUnsafeTemporaryAllocation` keeps up to 1 KiB on the stack whatever the thread; a larger Entry or
        // capacity would quietly move every small document's tape to the heap.
        #expect(MemoryLayout<JSONTape.Entry>.stride * JSONTape.stackCapacity <= 1024)
    }

    @Test func documentsOfEverySizeAroundTheStackBufferReadAlike() throws {
        // A small document's tape lives on the stack; a larger one moves to memory of its own as it grows,
        // also when the document then turns out to be invalid.
        for count in Array(0...(JSONTape.stackCapacity * 2 + 2)) + [5000] {
            let elements = (0..<count).map { #"{"n":\#($0),"s":"v\#($0)"}"# }
            let text = "[" + elements.joined(separator: ",") + "]"
            let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(try JSONParser.parse(text) == expected, "\(count) elements")
            let lastName = try JSONParser.withDocument(text) { root in
                var last: String?
                root.forEachElement { element in last = try? JSONFields(element).string("s") }
                return last
            }
            #expect(lastName == (count == 0 ? nil : "v\(count - 1)"))
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text + ",") }
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(String(text.dropLast())) }
        }
    }

    @Test func aSummaryOfNamesNeverHidesAMemberAndRulesOutAbsentOnes() throws {
        // Lookups skip the walk when an object's name summary rules a name out: they must find exactly what
        // the walk finds. The names share lengths and first bytes with the keys, collide in the summary's
        // 64 bits, and some are written with escapes.
        let keys: [StaticString] = [
            "type", "text", "index", "delta", "usage", "error", "message", "content_block", "t", "", "tool", "typo",
            "id", "in", "is", "partial_json", "stop_reason", "signature", "thinking", "data",
        ]
        let names = [
            "type", "text", #"t\u0065xt"#, "index", "delta", "usage", "u", "", "tool", "typo", "tape", "id", "i",
            "partial_json", #"\u0073top_reason"#, "signature", "thinking", "data", "x", "yy", "zzz", "message2",
        ]
        for round in 0..<512 as Range<UInt64> {
            // A fixed spread of subsets: the bits of a scrambled round number say which names are in.
            let bits = (round &+ 1) &* 0x9E37_79B9_7F4A_7C15
            let chosen = names.indices.filter { bits >> UInt64($0 + 20) & 1 == 1 }.map { names[$0] }
            let members = chosen.enumerated().map { #""\#($1)":\#($0 % 3 == 0 ? "null" : String($0))"# }
            let json = "{" + members.joined(separator: ",") + "}"
            try JSONParser.withDocument(json) { root in
                let fields = try JSONFields(root)
                for key in keys {
                    let walked = root.member(key).flatMap { $0.kind == .null ? nil : $0.index }
                    #expect(fields.node(key)?.index == walked, "\(key) in \(json)")
                }
            }
        }
        try JSONParser.withDocument(#"{"type":"ping","index":0}"#) { root in
            #expect(!root.nameSummary.mayContain("message"))
            #expect(!root.nameSummary.mayContain("delta"))
            #expect(root.nameSummary.mayContain("type"))
        }
    }

    @Test func aStringOfUsualValuesReadsAsAnyOtherString() throws {
        let usual = ["content_block_delta", "message_stop", "ping"]
        for (json, expected) in [
            (#"{"type":"content_block_delta"}"#, "content_block_delta"),
            (#"{"type":"ping"}"#, "ping"),
            (#"{"type":"content_block_delte"}"#, "content_block_delte"),  // same length, one byte off
            (#"{"type":"content_block_delta_v2"}"#, "content_block_delta_v2"),
            (#"{"type":"content\u005fblock_delta"}"#, "content_block_delta"),  // written with an escape
            (#"{"type":"pin"}"#, "pin"),
            (#"{"type":""}"#, ""),
        ] {
            let read = try JSONParser.withDocument(json) { root in try JSONFields(root).requiredString("type", usually: usual) }
            #expect(read == expected)
        }
        for json in [#"{"type":null}"#, #"{}"#] {
            #expect(try JSONParser.withDocument(json) { root in try JSONFields(root).string("type", usually: usual) } == nil)
        }
        for json in [#"{"type":null}"#, #"{}"#, #"{"type":7}"#] {
            #expect(throws: JSONShapeError.self) {
                try JSONParser.withDocument(json) { root in try JSONFields(root).requiredString("type", usually: usual) }
            }
        }
        #expect(throws: JSONShapeError.self) {
            try JSONParser.withDocument(#"{"type":["ping"]}"#) { root in try JSONFields(root).string("type", usually: usual) }
        }
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
        // every position of a word, and non-ASCII bytes (é is C3 A9, € is E2 82 AC) are not mistaken for any
        // of them.
        for (filler, fillerBytes) in [("é", 2), ("€", 3)] {
            for position in 0..<20 {
                let before = String(repeating: filler, count: position / fillerBytes)
                    + String(repeating: "a", count: position % fillerBytes)
                let after = String(repeating: "b", count: 19 - position)
                #expect(try JSONParser.parse("\"\(before)\\n\(after)\"") == .string(before + "\n" + after))
                #expect(try JSONParser.parse("\"\(before)\\\"\\\\\"") == .string(before + "\"\\"))
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
    }

    @Test func invalidUTF8InsideAStringIsReplacedNotRefused() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]  // "a\xFFb"
        let value = try bytes.withUnsafeBytes { try JSONParser.parse($0) }
        #expect(value == .string("a\u{FFFD}b"))
    }
}
