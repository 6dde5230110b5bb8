import Foundation
@testable import LLM

/// The library's JSON parser against Foundation's `JSONDecoder` (reading into ``JSONValue`` the way the library read
/// JSON before it had a parser): on any bytes, both must accept or both refuse, and agree on the value. Where the
/// library decides otherwise on purpose (``JSONValue/init(parsing:)-(String)`` lists it), the input is skipped:
/// invalid UTF-8 and escaped half surrogate pairs (U+FFFD for the library, an error for Foundation), a byte order
/// mark or UTF-16/32 text (Foundation detects the encoding; the library reads UTF-8 only), nesting beyond 512 levels,
/// and a comma before `]` or `}`, which Foundation's decoder lets through and RFC 8259 does not (then the library must
/// read the text without those commas as Foundation read it). Of repeated member names the library keeps the last,
/// as JavaScript and Python do, and Foundation the first: values that differ so must agree when the library's
/// document is read keeping the first. A number written with a fraction or an exponent whose double is 2^53 or more
/// is a double for the library and may be an integer for Foundation (its integer part): they must be within a double's
/// spacing of each other. Foundation's decoder
/// checks a number only when it reads it, so a malformed number in a repeated member it drops gets through: what
/// `JSONSerialization` (which reads every value) refuses, the library may refuse too.
public enum JSONDifferentialFuzzing {
    public static func run(_ input: FuzzInput) {
        var input = input
        let bytes = input.rest()
        let ours = JSONParserFuzzing.parse(bytes)
        let theirs = Result { try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) }
        switch (ours, theirs) {
        case (.success(let mine), .success(let foundation)):
            fuzzCheck(agrees(mine, bytes, foundation), "the parsers read different values:\n library:    \(mine)\n foundation: \(foundation)\n input: \(describe(bytes))")
        case (.success(let mine), .failure(let error)):
            fuzzCheck(libraryMayAccept(bytes), "only the library accepts:\n value: \(mine)\n foundation: \(error)\n input: \(describe(bytes))")
        case (.failure(let error), .success(let foundation)):
            let relaxed = withoutTrailingCommas(bytes)
            if case .success(let mine) = JSONParserFuzzing.parse(relaxed) {
                if agrees(mine, relaxed, foundation) { return }
                fuzzCheck(false, "without trailing commas the parsers differ at \(difference(mine, foundation)):\n input: \(describe(bytes))")
            }
            if (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) == nil { return }
            fuzzCheck(foundationMayAccept(bytes, error), "only Foundation accepts:\n value: \(foundation)\n library: \(error)\n input: \(describe(bytes))")
        case (.failure, .failure):
            break
        }
    }

    /// Text Foundation refuses and the library reads with U+FFFD.
    static func libraryMayAccept(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) == nil || escapesAHalfSurrogate(bytes)
    }

    /// Text Foundation reads and the library refuses by design.
    static func foundationMayAccept(_ bytes: [UInt8], _ error: JSONSyntaxError) -> Bool {
        let utf8BOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let otherEncoding = bytes.prefix(4).contains(0) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE])
        // A number beyond Double's range is refused by the library; Foundation lets one through where it does not read it.
        return utf8BOM || otherEncoding || error.reason.contains("nest") || error.reason == "number out of range"
    }

    /// The library's reading of `bytes` agrees with Foundation's: the same, or the same when the first of repeated
    /// names is kept.
    static func agrees(_ mine: JSONValue, _ bytes: [UInt8], _ foundation: JSONValue) -> Bool {
        if same(mine, foundation) { return true }
        return keepingFirstNames(bytes).map { same($0, foundation) } ?? false
    }

    /// Where two values first differ, as a path and the two values there.
    static func difference(_ mine: JSONValue, _ theirs: JSONValue, path: String = "$") -> String {
        switch (mine, theirs) {
        case (.array(let a), .array(let b)) where a.count == b.count:
            for (index, (x, y)) in zip(a, b).enumerated() where !same(x, y) { return difference(x, y, path: "\(path)[\(index)]") }
        case (.object(let a), .object(let b)) where a.keys.sorted() == b.keys.sorted():
            for key in a.keys.sorted() where !same(a[key]!, b[key]!) { return difference(a[key]!, b[key]!, path: "\(path).\(key)") }
        default: break
        }
        return "\(path): library \(mine), foundation \(theirs)"
    }

    /// Equal values, a large integer of Foundation's equal to the library's double of the same value.
    static func same(_ mine: JSONValue, _ theirs: JSONValue) -> Bool {
        switch (mine, theirs) {
        // Foundation reads such a number's integer part, which may round to the next double.
        case (.double(let double), .int(let integer)): abs(double) >= 0x1p53 && abs(Double(integer) - double) <= double.ulp
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        case (.object(let a), .object(let b)): a.count == b.count && a.allSatisfy { key, value in b[key].map { same(value, $0) } ?? false }
        default: mine == theirs
        }
    }

    /// The document as the library parses it, but of repeated member names (equal as Swift strings) the first kept.
    static func keepingFirstNames(_ bytes: [UInt8]) -> JSONValue? {
        func value(_ element: JSONElement) -> JSONValue {
            switch element.kind {
            case .object:
                var members: [String: JSONValue] = [:]
                element.forEachMember { name, member in
                    let key = name.string ?? ""
                    if members[key] == nil { members[key] = value(member) }
                }
                return .object(members)
            case .array:
                var elements: [JSONValue] = []
                element.forEachElement { elements.append(value($0)) }
                return .array(elements)
            case .string:
                return .string(element.string ?? "")
            default:
                return element.scalar ?? .null
            }
        }
        return bytes.withUnsafeBytes { raw in try? JSONParser.withDocument(raw) { root in value(root) } }
    }

    /// `bytes` without the commas (outside strings) that only whitespace separates from a `]` or `}`.
    static func withoutTrailingCommas(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var inString = false
        var escaped = false
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: ","),
                let next = bytes[(index + 1)...].first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }),
                next == UInt8(ascii: "]") || next == UInt8(ascii: "}")
            {
                continue
            }
            result.append(byte)
        }
        return result
    }

    /// A `\uD800`-`\uDFFF` escape: Foundation refuses one that is not half of a pair; the library's reading of pairs
    /// is compared like any other text.
    static func escapesAHalfSurrogate(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 5 < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] | 0x20 == UInt8(ascii: "u"), bytes[index + 2] | 0x20 == UInt8(ascii: "d"),
                let third = Character(Unicode.Scalar(bytes[index + 3])).hexDigitValue, third >= 8
            {
                return true
            }
            index += 1
        }
        return false
    }

    static func describe(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription
    }
}
