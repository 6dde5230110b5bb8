/// Where JSON text stops being valid JSON.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte offset of the first byte that does not fit.
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict RFC 8259 parser from UTF-8 bytes to a ``JSONTape`` (read through ``JSONElement``), or to a
/// ``JSONValue``.
///
/// Streams decode one small JSON document per event; Foundation's `JSONDecoder` spends most of that
/// time in Codable's generic containers (measured in `Benchmarks/`), so the hot paths parse here and
/// read fields by hand. The parser checks the whole document but builds no values: the tape records where
/// each value lies, and a reader makes the strings and numbers it asks for. Whole numbers that fit in
/// `Int` become `.int` (`4.0` too, as with JSONValue's `Decodable` reading), other numbers `.double`;
/// invalid UTF-8 inside strings is replaced with U+FFFD. Nesting deeper than 512 levels is refused
/// rather than risking the stack.
struct JSONParser {
    static let maxDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    private var tape: JSONTape

    private init(_ bytes: UnsafeRawBufferPointer, tape: JSONTape) {
        self.bytes = bytes
        self.tape = tape
    }

    /// Parses one whole document and hands `read` its root; anything but whitespace after it is an error.
    /// The element reads `bytes`, so it must not outlive `read`.
    static func withDocument<Value>(
        _ bytes: UnsafeRawBufferPointer, _ read: (JSONElement) throws -> Value
    ) throws -> Value {
        try withUnsafeTemporaryAllocation(of: JSONTape.Entry.self, capacity: JSONTape.stackCapacity) { buffer in
            var tape = JSONTape(writingInto: buffer)
            defer { tape.release() }
            try parse(bytes, into: &tape)
            return try read(JSONElement(tape: tape.entries, bytes: bytes, index: 0))
        }
    }

    static func withDocument<Value>(_ text: String, _ read: (JSONElement) throws -> Value) throws -> Value {
        var text = text
        return try text.withUTF8 { utf8 in try withDocument(UnsafeRawBufferPointer(utf8), read) }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        try withUnsafeTemporaryAllocation(of: JSONTape.Entry.self, capacity: JSONTape.stackCapacity) { (buffer) throws(JSONSyntaxError) in
            var tape = JSONTape(writingInto: buffer)
            defer { tape.release() }
            try parse(bytes, into: &tape)
            return JSONElement(tape: tape.entries, bytes: bytes, index: 0).value
        }
    }

    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { utf8 in Result { () throws(JSONSyntaxError) in try parse(UnsafeRawBufferPointer(utf8)) } }
        return try result.get()
    }

    /// Parses `bytes` onto `tape` (which keeps what it holds if the document is invalid, to be released).
    private static func parse(_ bytes: UnsafeRawBufferPointer, into tape: inout JSONTape) throws(JSONSyntaxError) {
        var parser = JSONParser(bytes, tape: tape)
        defer { tape = parser.tape }
        try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the value") }
    }

    // MARK: Values

    private mutating func value() throws(JSONSyntaxError) {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true", .bool, flag: true)
        case UInt8(ascii: "f"): try literal("false", .bool, flag: false)
        case UInt8(ascii: "n"): try literal("null", .null, flag: false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw error("unexpected character")
        }
    }

    private mutating func object() throws(JSONSyntaxError) {
        try enter()
        defer { depth -= 1 }
        let entry = tape.open(.object)
        index += 1  // {
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            tape.close(entry)
            return
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw error("expected a member name") }
            try string()
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw error("expected ':'") }
            index += 1
            try value()
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            let separator = bytes[index]
            index += 1
            if separator == UInt8(ascii: "}") {
                tape.close(entry)
                return
            }
            guard separator == UInt8(ascii: ",") else { throw error("expected ',' or '}'", at: index - 1) }
        }
    }

    private mutating func array() throws(JSONSyntaxError) {
        try enter()
        defer { depth -= 1 }
        let entry = tape.open(.array)
        index += 1  // [
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            tape.close(entry)
            return
        }
        while true {
            try value()
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array") }
            let separator = bytes[index]
            index += 1
            if separator == UInt8(ascii: "]") {
                tape.close(entry)
                return
            }
            guard separator == UInt8(ascii: ",") else { throw error("expected ',' or ']'", at: index - 1) }
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
    }

    private mutating func literal(_ word: StaticString, _ kind: JSONTape.Kind, flag: Bool) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("unexpected character", at: index + offset)
        }
        tape.append(kind, flag: flag, from: index, to: index + count)
        index += count
    }

    // MARK: Numbers

    private mutating func number() throws(JSONSyntaxError) {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        // Integer part: 0, or a digit 1-9 followed by digits.
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if peek(UInt8(ascii: ".")) {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        // Short integers always fit an Int; anything else is converted now, so an out-of-range number is
        // refused here rather than when it is read.
        if !(isInteger && index - start <= JSONElement.alwaysFittingIntegerLength), JSONElement.number(UnsafeRawBufferPointer(rebasing: bytes[start..<index]), isInteger: isInteger) == nil {
            throw error("number out of range", at: start)
        }
        tape.append(.number, flag: isInteger, from: start, to: index)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    // MARK: Strings

    /// A string from its opening quote, checked but not decoded: the tape keeps its bytes' range and
    /// whether it holds escapes.
    private mutating func string() throws(JSONSyntaxError) {
        index += 1  // "
        let start = index
        var hasEscapes = false
        while index < bytes.count {
            // Eight bytes at a time: past them while none ends the string or needs a look, else straight to the
            // first that does (most names and short texts end inside their first eight bytes).
            if index + 8 <= bytes.count {
                let special = Self.specialBytes(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                guard special != 0 else {
                    index += 8
                    continue
                }
                index += special.trailingZeroBitCount / 8
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                tape.append(.string, flag: hasEscapes, from: start, to: index)
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                guard index + 1 < bytes.count else { break }
                try escape()
                continue
            }
            guard byte >= 0x20 else { throw error("control character in a string") }
            index += 1
        }
        throw error("unterminated string", at: start - 1)
    }

    /// The high bit of each of the eight bytes of `word` (the first in the lowest bits) that is a quote, a
    /// backslash or a control character, by the "has a byte less than n" and "has a zero byte" bit tricks.
    /// A borrow can also mark a byte after a marked one, so only the lowest mark is sure: it is the first
    /// byte that ends the string or needs a look, and zero means none does.
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highBits }
        let controls = (word &- ones &* 0x20) & ~word & highBits
        return controls | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
    }

    /// Checks one escape, from its backslash (not the last byte).
    private mutating func escape() throws(JSONSyntaxError) {
        index += 1  // \
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
            for _ in 0..<4 {
                guard bytes[index].jsonHexDigit != nil else { throw error("invalid \\u escape") }
                index += 1
            }
        default:
            throw error("invalid escape", at: index - 1)
        }
    }

    // MARK: Helpers

    private func peek(_ byte: UInt8) -> Bool {
        index < bytes.count && bytes[index] == byte
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private func error(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? index, reason: reason)
    }
}
