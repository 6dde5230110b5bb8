import Foundation
import LLM
import Testing

/// `JSONValue(parsing:)` reads with the library's parser: strict RFC 8259, and the choices its documentation states
/// where Foundation decides otherwise (the differential fuzz target `FuzzJSONDifferential` checks the rest).
@Suite struct JSONValueParsingTests {
    @Test func wholeNumbersThatFitAreIntegersOthersDoubles() throws {
        #expect(try JSONValue(parsing: "[4, 4.0, 1e3, -0, 0.5, 9223372036854775807]") == [4, 4, 1000, 0, 0.5, .int(Int.max)])
        // Integer digits beyond Int stay doubles, even one that rounds to Int.min.
        #expect(try JSONValue(parsing: "[9223372036854775808, -9223372036854775809]") == [.double(0x1p63), .double(-0x1p63)])
        // A fraction that a double cannot tell from an integer beyond 2^53 stays a double.
        #expect(try JSONValue(parsing: "-92233720368547758.8") == .double(-92233720368547758.8))
    }

    @Test func theLastOfRepeatedNamesCounts() throws {
        #expect(try JSONValue(parsing: #"{"a": 1, "a": 2}"#) == ["a": 2])
        let foundation = try JSONDecoder().decode([String: Int].self, from: Data(#"{"a": 1, "a": 2}"#.utf8))
        #expect(foundation == ["a": 1], "Foundation keeps the first")
    }

    @Test func halfSurrogatesAndInvalidUTF8BecomeReplacementCharacters() throws {
        #expect(try JSONValue(parsing: #""\ud800x""#) == "\u{FFFD}x")
        #expect(try JSONValue(parsing: Data([0x22, 0xFF, 0x22])) == "\u{FFFD}")
        #expect(try JSONValue(parsing: #""\ud83d\ude00""#) == "😀")
    }

    @Test(arguments: ["[1,2,]", "{\"a\":1,}", "1e400", "01", "'x'", "[1] x", "", "nul", "{\"a\" 1}"])
    func whatIsNotStrictJSONIsRefusedWithItsOffset(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text) }
    }

    @Test func errorsSayWhere() {
        do {
            _ = try JSONValue(parsing: #"{"a": [1, 2,]}"#)
            Issue.record("a trailing comma is not JSON")
        } catch {
            #expect(error.offset == 12, "\(error)")
        }
    }
}

@Suite struct JSONReviewTests {
    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try JSONValue(parsing: Data([0xEF, 0xBB, 0xBF]) + Data(#"{"a": 1}"#.utf8)) == ["a": 1])
        #expect(try JSONValue(parsing: "\u{FEFF}[1]") == [1])
    }

    /// The streaming parser of structured output reads numbers as the final parse does.
    @Test func partialJSONReadsNumbersAsTheParserDoes() throws {
        for text in ["-9223372036854775809", "1e18", "4.0", "-1.5e2", "12", "0.5"] {
            let partial = PartialJSON.parse("[\(text), 0]")
            #expect(partial == (try JSONValue(parsing: "[\(text), 0]")), "\(text)")
        }
    }
}
