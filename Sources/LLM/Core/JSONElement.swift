/// One value of a parsed document (from `JSONParser.withDocument`): its entry in the tape and the document's
/// bytes, from which strings and numbers are made when read.
///
/// It views a tape and bytes it does not own, so that copying it costs no reference counting; it therefore
/// lives only inside the `withDocument` closure that gave it.
struct JSONElement {
    let tape: UnsafeBufferPointer<JSONTape.Entry>
    let bytes: UnsafeRawBufferPointer
    let index: Int

    var kind: JSONTape.Kind { tape[index].kind }

    /// The text of a string, else nil.
    var string: String? {
        let entry = tape[index]
        guard entry.kind == .string else { return nil }
        return Self.text(UnsafeRawBufferPointer(rebasing: bytes[entry.start..<entry.end]), hasEscapes: entry.flag)
    }

    /// The bytes between a string's quotes when they hold no escapes (so they are its text), else nil.
    var unescapedStringBytes: UnsafeRawBufferPointer? {
        let entry = tape[index]
        guard entry.kind == .string, !entry.flag else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[entry.start..<entry.end])
    }

    /// A number as `.int` or `.double`, a bool, or nil for other kinds.
    var scalar: JSONValue? {
        let entry = tape[index]
        switch entry.kind {
        case .null: return .null
        case .bool: return .bool(entry.flag)
        case .number: return Self.number(UnsafeRawBufferPointer(rebasing: bytes[entry.start..<entry.end]), isInteger: entry.flag)
        case .string, .array, .object: return nil
        }
    }

    /// Calls `body` with each element of an array, in order (with none for other kinds).
    func forEachElement<Failure: Error>(_ body: (JSONElement) throws(Failure) -> Void) throws(Failure) {
        guard kind == .array else { return }
        var child = index + 1
        while child < tape[index].end {
            try body(JSONElement(tape: tape, bytes: bytes, index: child))
            child = JSONTape.next(after: child, in: tape)
        }
    }

    /// Calls `body` with each member of an object, name first, in document order.
    func forEachMember(_ body: (_ name: JSONElement, _ value: JSONElement) throws -> Void) rethrows {
        guard kind == .object else { return }
        var name = index + 1
        while name < tape[index].end {
            try body(JSONElement(tape: tape, bytes: bytes, index: name), JSONElement(tape: tape, bytes: bytes, index: name + 1))
            name = JSONTape.next(after: name + 1, in: tape)
        }
    }

    /// The value of the object's last member named `key`, if any.
    func member(_ key: StaticString) -> JSONElement? {
        guard kind == .object else { return nil }
        return key.withUTF8Buffer { wanted in
            var found: Int?
            var name = index + 1
            let end = tape[index].end
            while name < end {
                if isName(tape[name], equalTo: wanted) { found = name + 1 }
                name = JSONTape.next(after: name + 1, in: tape)
            }
            return found.map { JSONElement(tape: tape, bytes: bytes, index: $0) }
        }
    }

    /// A summary of an object's member names: one bit per (length, first byte) pair, hashed into 64.
    /// A name whose bit is clear is certainly absent; a set bit means "maybe", and the members are walked.
    struct NameSummary {
        fileprivate var bits: UInt64

        func mayContain(_ key: StaticString) -> Bool {
            key.withUTF8Buffer { name in bits & Self.bit(length: name.count, firstByte: name.first ?? 0) != 0 }
        }

        fileprivate static func bit(length: Int, firstByte: UInt8) -> UInt64 {
            1 << (UInt64(truncatingIfNeeded: length &* 7 &+ Int(firstByte)) & 63)
        }

        /// Every name may be there.
        fileprivate static var anything: NameSummary { NameSummary(bits: ~0) }
    }

    /// The summary of this object's member names (every name "may" be in another kind of value).
    var nameSummary: NameSummary {
        guard kind == .object else { return .anything }
        var summary = NameSummary(bits: 0)
        var name = index + 1
        let end = tape[index].end
        while name < end {
            let entry = tape[name]
            guard !entry.flag else {
                // Written with escapes: its bytes are not its text, so nothing can be ruled out.
                return .anything
            }
            let length = entry.end - entry.start
            summary.bits |= NameSummary.bit(length: length, firstByte: length > 0 ? bytes[entry.start] : 0)
            name = JSONTape.next(after: name + 1, in: tape)
        }
        return summary
    }

    private func isName(_ entry: JSONTape.Entry, equalTo wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        if entry.flag {
            // Written with escapes: compare what they stand for.
            var text = Self.text(UnsafeRawBufferPointer(rebasing: bytes[entry.start..<entry.end]), hasEscapes: true)
            return text.withUTF8 { $0.elementsEqual(wanted) }
        }
        // Names are short and most differ in length or first byte: compare in place, not through memcmp.
        guard entry.end - entry.start == wanted.count else { return false }
        var offset = 0
        while offset < wanted.count {
            guard bytes[entry.start + offset] == wanted[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// The whole value as a ``JSONValue``; of repeated names the last one wins, as in a dictionary.
    var value: JSONValue {
        switch kind {
        case .string: return .string(string ?? "")
        case .array:
            var elements: [JSONValue] = []
            forEachElement { elements.append($0.value) }
            return .array(elements)
        case .object:
            var members: [String: JSONValue] = [:]
            forEachMember { name, value in members[name.string ?? ""] = value.value }
            return .object(members)
        case .null, .bool, .number: return scalar ?? .null
        }
    }

    // MARK: Making values from bytes

    /// Integers of up to this many bytes (sign included) always fit an `Int`.
    static let alwaysFittingIntegerLength = 18

    /// A number's text as `.int` when it is a whole number that fits (`4.0` and `1e3` too, as with
    /// JSONValue's `Decodable` reading), else `.double`; nil when it is out of range.
    static func number(_ text: UnsafeRawBufferPointer, isInteger: Bool) -> JSONValue? {
        if isInteger, text.count <= alwaysFittingIntegerLength {
            // The common case (indexes, counts) straight from the checked digits, without making a String.
            let negative = text.first == UInt8(ascii: "-")
            var magnitude = 0
            for digit in text.dropFirst(negative ? 1 : 0) { magnitude = magnitude * 10 + Int(digit - UInt8(ascii: "0")) }
            return .int(negative ? -magnitude : magnitude)
        }
        let text = String(decoding: text, as: UTF8.self)
        if isInteger, let integer = Int(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else { return nil }
        // Integer digits that did not fit stay a double, even when they round to one that fits (-2^63 - 1 is not
        // Int.min). A fraction or an exponent that comes out whole is an integer, below 2^53: beyond, a double is not
        // precise enough to tell (-92233720368547758.8 is a double, not the integer it rounds to).
        if !isInteger, double.rounded() == double, abs(double) < 0x1p53, let integer = Int(exactly: double) { return .int(integer) }
        return .double(double)
    }

    /// A string's text from the bytes between its quotes, which the parser has checked.
    static func text(_ bytes: UnsafeRawBufferPointer, hasEscapes: Bool) -> String {
        guard hasEscapes else { return String(decoding: bytes, as: UTF8.self) }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < bytes.count else {
                utf8.append(byte)
                continue
            }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8.append(contentsOf: UTF8.encode(unicodeEscape(bytes, at: &index))!)
            default: utf8.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The scalar of a `\uXXXX` escape whose hex digits start at `index`, joining a surrogate pair; a lone
    /// surrogate becomes U+FFFD.
    private static func unicodeEscape(_ bytes: UnsafeRawBufferPointer, at index: inout Int) -> Unicode.Scalar {
        let unit = hex4(bytes, at: &index)
        switch unit {
        case 0xD800..<0xDC00:
            if index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                var low = index + 2
                let next = hex4(bytes, at: &low)
                if (0xDC00..<0xE000).contains(next) {
                    index = low
                    let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(next) - 0xDC00)
                    return Unicode.Scalar(scalar) ?? "\u{FFFD}"
                }
                // Not a low surrogate: it is read as its own escape.
            }
            return "\u{FFFD}"
        case 0xDC00..<0xE000:
            return "\u{FFFD}"
        default:
            return Unicode.Scalar(unit) ?? "\u{FFFD}"
        }
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, at index: inout Int) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            value = value << 4 | UInt16(bytes[index].jsonHexDigit ?? 0)
            index += 1
        }
        return value
    }
}
