/// A PROTOTYPE of the JSON change proposed in the benchmark report, to measure its gain: a small
/// non-generic parser from UTF-8 bytes to a tree, where Foundation's JSONDecoder goes through
/// Codable's generic containers (and the runtime's generic-metadata lookups) for every field.
/// The `ahc-tree` layer parses each event with it instead of JSONDecoder.
enum JSONTree: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    struct Invalid: Error {}

    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONTree {
        var parser = Parser(bytes: bytes)
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == bytes.count else { throw Invalid() }
        return value
    }

    subscript(key: String) -> JSONTree? {
        if case .object(let object) = self { object[key] } else { nil }
    }
}

private struct Parser {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { throw JSONTree.Invalid() }
        index += 1
    }

    mutating func literal(_ text: StaticString, _ value: JSONTree) throws -> JSONTree {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count,
            memcmp(bytes.baseAddress! + index, text.utf8Start, count) == 0
        else { throw JSONTree.Invalid() }
        index += count
        return value
    }

    mutating func value() throws -> JSONTree {
        skipSpace()
        guard index < bytes.count else { throw JSONTree.Invalid() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var object: [String: JSONTree] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            while true {
                skipSpace()
                let key = try string()
                try expect(UInt8(ascii: ":"))
                object[key] = try value()
                skipSpace()
                guard index < bytes.count else { throw JSONTree.Invalid() }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "}") { return .object(object) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { throw JSONTree.Invalid() }
            }
        case UInt8(ascii: "["):
            index += 1
            var array: [JSONTree] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(array)
            }
            while true {
                array.append(try value())
                skipSpace()
                guard index < bytes.count else { throw JSONTree.Invalid() }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "]") { return .array(array) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { throw JSONTree.Invalid() }
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    mutating func number() throws -> JSONTree {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text) else { throw JSONTree.Invalid() }
        return .number(number)
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// A string at `index` (its opening quote); escapes are decoded only when there are any.
    mutating func string() throws -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw JSONTree.Invalid() }
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") {
                escaped = true
                index += 1
            }
            index += 1
        }
        guard index < bytes.count else { throw JSONTree.Invalid() }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        index += 1
        return escaped ? try Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
    }

    static func unescape(_ raw: UnsafeRawBufferPointer) throws -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var i = 0
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.count, let value = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: raw[at..<at + 4]), as: UTF8.self), radix: 16) else { throw JSONTree.Invalid() }
            return value
        }
        while i < raw.count {
            guard raw[i] == UInt8(ascii: "\\"), i + 1 < raw.count else {
                utf8.append(raw[i])
                i += 1
                continue
            }
            let code = raw[i + 1]
            i += 2
            switch code {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                var value = try hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(value), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\") {
                    let low = try hex4(i + 2)
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                flush()
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: utf8.append(code)  // \" \\ \/
            }
        }
        flush()
        return String(scalars)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
