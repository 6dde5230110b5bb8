import NIOCore

extension JSONValue {
    /// Writes this value as compact JSON with its keys in UTF-8 byte order, straight into `buffer`.
    ///
    /// Request bodies go out this way: `JSONEncoder` walks a `JSONValue` through Codable's generic
    /// containers, several times slower (measured in `Benchmarks/`). Numbers print in Swift's shortest
    /// round-tripping form; a non-finite double, which JSON cannot hold, is written as `null`.
    public func writeJSON(to buffer: inout ByteBuffer) {
        switch self {
        case .null:
            buffer.writeStaticString("null")
        case .bool(let flag):
            buffer.writeStaticString(flag ? "true" : "false")
        case .int(let number):
            buffer.writeString(String(number))
        case .double(let number):
            if number.isFinite {
                buffer.writeString(number.description)
            } else {
                buffer.writeStaticString("null")
            }
        case .string(let text):
            Self.writeQuoted(text, to: &buffer)
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                element.writeJSON(to: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object(let members):
            buffer.writeInteger(UInt8(ascii: "{"))
            // Byte order, not String's `<`: that one is not a total order between precomposed and
            // decomposed accents (found by FuzzJSONParser), so the output would vary from run to run.
            for (position, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                Self.writeQuoted(key, to: &buffer)
                buffer.writeInteger(UInt8(ascii: ":"))
                members[key]!.writeJSON(to: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8.
    private static func writeQuoted(_ text: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (position, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.writeBytes(UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                default:
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(Hex.digit(byte >> 4))
                    buffer.writeInteger(Hex.digit(byte & 0xF))
                }
                runStart = position + 1
            }
            buffer.writeBytes(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
