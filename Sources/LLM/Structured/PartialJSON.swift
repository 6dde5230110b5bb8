/// A tolerant parser for JSON that is still arriving: it closes what is open and leaves out what cannot
/// be shown yet.
///
/// - An open string is closed (`{"name": "Ad` gives `{"name": "Ad"}`); a half escape is left out.
/// - Open arrays and objects are closed; a trailing comma is ignored.
/// - A key without its value (`{"a": 1, "b` or `{"a": 1, "b":`) is left out.
/// - A number or literal at the very end is left out, since more digits may follow (`[1, 2` gives `[1]`).
///
/// So each prefix of a document parses to a value the full document extends: objects gain keys,
/// arrays gain elements, the last string grows. Text that is not the start of JSON gives `nil`.
///
/// ```swift
/// PartialJSON.parse(#"{"title": "Pancakes", "tags": ["swe"#)  // {"title": "Pancakes", "tags": ["swe"]}
/// ```
public enum PartialJSON {
    public static func parse(_ text: some StringProtocol) -> JSONValue? {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        switch parser.value() {
        case .complete(let value), .partial(let value): return value
        case .dropped, .invalid: return nil
        }
    }

    private enum Outcome {
        /// The value ended.
        case complete(JSONValue)
        /// The text ended inside the value; this is what it shows so far.
        case partial(JSONValue)
        /// The text ended inside a value that cannot be shown yet (a number, a literal, nothing at all).
        case dropped
        /// Not JSON.
        case invalid
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }

        mutating func skipWhitespace() {
            while !atEnd, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func value() -> Outcome {
            guard !atEnd else { return .dropped }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""):
                switch string() {
                case .complete(let text): return .complete(.string(text))
                case .partial(let text): return .partial(.string(text))
                case .invalid: return .invalid
                }
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return .invalid
            }
        }

        mutating func object() -> Outcome {
            index += 1
            var members: [String: JSONValue] = [:]
            while true {
                skipWhitespace()
                guard !atEnd else { return .partial(.object(members)) }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .complete(.object(members))
                }
                guard bytes[index] == UInt8(ascii: "\"") else { return .invalid }
                // A key that is not finished, or has no value yet, is left out.
                let key: String
                switch string() {
                case .complete(let text): key = text
                case .partial: return .partial(.object(members))
                case .invalid: return .invalid
                }
                skipWhitespace()
                guard !atEnd else { return .partial(.object(members)) }
                guard bytes[index] == UInt8(ascii: ":") else { return .invalid }
                index += 1
                skipWhitespace()
                switch value() {
                case .complete(let member): members[key] = member
                case .partial(let member):
                    members[key] = member
                    return .partial(.object(members))
                case .dropped: return .partial(.object(members))
                case .invalid: return .invalid
                }
                skipWhitespace()
                guard !atEnd else { return .partial(.object(members)) }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .complete(.object(members))
                default: return .invalid
                }
            }
        }

        mutating func array() -> Outcome {
            index += 1
            var elements: [JSONValue] = []
            while true {
                skipWhitespace()
                guard !atEnd else { return .partial(.array(elements)) }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .complete(.array(elements))
                }
                switch value() {
                case .complete(let element): elements.append(element)
                case .partial(let element):
                    elements.append(element)
                    return .partial(.array(elements))
                case .dropped: return .partial(.array(elements))
                case .invalid: return .invalid
                }
                skipWhitespace()
                guard !atEnd else { return .partial(.array(elements)) }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .complete(.array(elements))
                default: return .invalid
                }
            }
        }

        enum StringOutcome {
            case complete(String)
            case partial(String)
            case invalid
        }

        /// A string from its opening quote. Escapes are decoded; an escape cut off by the end of the text,
        /// or a lone high surrogate at the end, is left out.
        mutating func string() -> StringOutcome {
            index += 1
            var scalars = String.UnicodeScalarView()
            var run = index
            func flush(_ end: Int) {
                if run < end { scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars) }
            }
            while !atEnd {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return .complete(String(scalars))
                }
                if byte < 0x20 { return .invalid }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                flush(index)
                guard index + 1 < bytes.count else { return .partial(String(scalars)) }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard let code = hex4() else { return atEnd || index + 4 > bytes.count ? .partial(String(scalars)) : .invalid }
                    if (0xD800...0xDBFF).contains(code) {
                        // A high surrogate needs its low half: `\uD83D\uDE00`.
                        guard index + 6 <= bytes.count else { return .partial(String(scalars)) }
                        guard bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return .invalid }
                        index += 2
                        guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return .invalid }
                        let combined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        guard let scalar = Unicode.Scalar(combined) else { return .invalid }
                        scalars.append(scalar)
                    } else {
                        guard let scalar = Unicode.Scalar(code) else { return .invalid }
                        scalars.append(scalar)
                    }
                default:
                    return .invalid
                }
                run = index
            }
            flush(bytes.count)
            return .partial(String(scalars))
        }

        /// Four hex digits at `index`, consumed; nil (consuming nothing) when they are not all there.
        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var code: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                guard let digit = byte.jsonHexDigit else { return nil }
                code = code << 4 | UInt32(digit)
            }
            index += 4
            return code
        }

        mutating func literal(_ word: String, _ result: JSONValue) -> Outcome {
            for expected in word.utf8 {
                guard !atEnd else { return .dropped }
                guard bytes[index] == expected else { return .invalid }
                index += 1
            }
            return .complete(result)
        }

        /// A number; one that reaches the end of the text may still grow, so it is dropped.
        mutating func number() -> Outcome {
            let start = index
            while !atEnd, Self.isNumberByte(bytes[index]) { index += 1 }
            if atEnd { return .dropped }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            let isInteger = !text.contains { $0 == "." || $0 == "e" || $0 == "E" }
            if isInteger, let integer = Int(text) { return .complete(.int(integer)) }
            // Strict JSON number syntax; Double(_:) alone would also take "1." or "+1".
            guard Self.isJSONNumber(text), let number = Double(text) else { return .invalid }
            // As JSONValue(parsing:) reads them: a fraction or exponent that comes out whole is an integer below 2^53
            // (`-1.5e2` is -150); integer digits beyond Int stay a double.
            if !isInteger, abs(number) < 0x1p53, let integer = Int(exactly: number) { return .complete(.int(integer)) }
            return .complete(.double(number))
        }

        static func isNumberByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                true
            default: false
            }
        }

        static func isJSONNumber(_ text: String) -> Bool {
            text.wholeMatch(of: /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/) != nil
        }
    }
}
