import LLM
import Testing

extension StructuredTests {
    @Suite struct PartialJSONTests {
        static let document = #"""
            {"title": "Crêpes \"fines\"", "servings": 4, "ratio": -1.5e2, "vegan": false, "note": null,
             "emoji": "🥞 \ud83c\udf53 caf\u00e9", "steps": [{"n": 1, "text": "Mix\nwell"}, {"n": 2, "text": "Fry"}],
             "grid": [[1, 2], [], [3.25]], "empty": {}, "path": "a\/b\\c\t"}
            """#

        @Test(arguments: [
            (#"{"name": "Ad"#, #"{"name":"Ad"}"#),
            (#"{"name": "Ada", "ag"#, #"{"name":"Ada"}"#),
            (#"{"name": "Ada", "age":"#, #"{"name":"Ada"}"#),
            (#"{"name": "Ada", "age": 3"#, #"{"name":"Ada"}"#),
            (#"{"name": "Ada", "age": 36,"#, #"{"age":36,"name":"Ada"}"#),
            (#"{"ok": tr"#, "{}"),
            (#"{"ok": true"#, #"{"ok":true}"#),
            (#"[1, 2"#, "[1]"),
            (#"[1, 2,"#, "[1,2]"),
            (#"[{"a": [1, {"b": "x"#, #"[{"a":[1,{"b":"x"}]}]"#),
            (#"{"a": "line\"#, #"{"a":"line"}"#),
            (#"{"a": "caf\u00"#, #"{"a":"caf"}"#),
            (#"{"a": "x\ud83c"#, #"{"a":"x"}"#),
            (#"{"a": "x\ud83c\udf53"#, #"{"a":"x🍓"}"#),
            (#"  {"#, "{}"),
            (#""open"#, #""open""#),
            ("[", "[]"),
        ])
        func prefixes(input: String, expected: String) throws {
            #expect(PartialJSON.parse(input) == (try JSONValue(parsing: expected)))
        }

        @Test(arguments: ["", "   ", "12", "-", "tru", "nul"])
        func nothingToShowYet(input: String) {
            #expect(PartialJSON.parse(input) == nil)
        }

        @Test(arguments: ["x", "{a: 1}", #"{"a" 1}"#, "[1 2]", #"{"a": 01x}"#, #"{"a": "\q"}"#, "[1.]", "{\"a\": \"\u{01}\"}", "}"])
        func notJSON(input: String) {
            #expect(PartialJSON.parse(input) == nil)
        }

        @Test func completeJSONParsesExactly() throws {
            #expect(PartialJSON.parse(Self.document) == (try JSONValue(parsing: Self.document)))
            #expect(PartialJSON.parse("12 ") == 12)
            #expect(PartialJSON.parse(#"{"a": 1} trailing"#) == ["a": 1])
        }

        /// Every prefix parses (once the object has begun) to a value the full document extends, and each
        /// prefix's value extends the previous one's.
        static let documents: [String] = [
            document,
            StreamObjectTests.reply,
            // Pretty-printed, as some servers send it: newlines and indentation between every token.
            #"""
            {
              "value" : [
                {
                  "id" : 1,
                  "tags" : [ "a", "b\u0041" ],
                  "nested" : { "deep" : [ [ ], { "x" : -0.5 } ], "flag" : true }
                },
                null
              ]
            }
            """#,
        ]

        @Test(arguments: documents)
        func everyPrefixIsConsistentWithTheWhole(document: String) throws {
            let full = try JSONValue(parsing: document)
            let scalars = Array(document.unicodeScalars)
            var previous: JSONValue?
            for end in 0...scalars.count {
                var prefix = String.UnicodeScalarView()
                prefix.append(contentsOf: scalars[0..<end])
                let parsed = PartialJSON.parse(String(prefix))
                guard String(prefix).contains("{") else {
                    #expect(parsed == nil)
                    continue
                }
                let value = try #require(parsed, "prefix \(end) did not parse: \(String(prefix))")
                #expect(Self.isPrefix(value, of: full), "prefix \(end): \(value.jsonString)")
                if let previous { #expect(Self.isPrefix(previous, of: value), "prefix \(end) lost data: \(value.jsonString)") }
                previous = value
            }
            #expect(previous == full)
        }

        @Test func arbitraryBytesNeverCrash() {
            var generator = SystemRandomNumberGenerator()
            let alphabet = Array(#"{}[]":,\ u0123456789abcdefnrtl-+.eE"#)
            for _ in 0..<2000 {
                let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                _ = PartialJSON.parse(text)
            }
        }

        /// `partial` shows part of `whole`: objects have a subset of the keys, arrays a prefix of the
        /// elements (the last possibly partial), strings a prefix; everything else is equal.
        static func isPrefix(_ partial: JSONValue, of whole: JSONValue) -> Bool {
            switch (partial, whole) {
            case (.object(let part), .object(let all)):
                return part.allSatisfy { key, value in all[key].map { isPrefix(value, of: $0) } ?? false }
            case (.array(let part), .array(let all)):
                guard part.count <= all.count else { return false }
                return zip(part, all).allSatisfy { isPrefix($0, of: $1) }
            case (.string(let part), .string(let all)):
                return all.unicodeScalars.starts(with: part.unicodeScalars)
            default:
                return partial == whole
            }
        }
    }
}
