/// Vectors as OpenAI's `encoding_format: "base64"` writes them: little-endian 32-bit floats, in base64.
///
/// Decoding goes straight from the JSON string's bytes into the `[Float]`'s storage, with no `Data` or `String`
/// per vector: a reply of a thousand vectors is a thousand allocations, not three thousand.
public enum FloatBase64 {
    /// The floats `text` encodes, or nil when it is not base64 of a whole number of floats. Accepts the standard
    /// and URL-safe alphabets, with or without padding.
    public static func decode(_ text: UnsafeRawBufferPointer) -> [Float]? {
        var end = text.count
        var padding = 0
        while end > 0, text[end - 1] == UInt8(ascii: "="), padding < 2 {
            end -= 1
            padding += 1
        }
        let tail = end % 4
        guard tail != 1, padding == 0 || (end + padding) % 4 == 0 else { return nil }
        let byteCount = end / 4 * 3 + (tail == 0 ? 0 : tail - 1)
        guard byteCount % 4 == 0 else { return nil }
        var valid = true
        let floats = [Float](unsafeUninitializedCapacity: byteCount / 4) { storage, initialized in
            let bytes = UnsafeMutableRawBufferPointer(storage)
            valid = decodeBytes(text, count: end, into: bytes)
            initialized = valid ? byteCount / 4 : 0
        }
        guard valid else { return nil }
        #if _endian(big)
        return floats.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #else
        return floats
        #endif
    }

    public static func decode(_ text: String) -> [Float]? {
        var text = text
        return text.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    /// The base64 text of `values` as little-endian 32-bit floats, standard alphabet, padded. Encoded straight from
    /// the floats' storage on a little-endian machine (a copy in that byte order elsewhere).
    public static func encode(_ values: [Float]) -> String {
        #if _endian(big)
        let values = values.map { Float(bitPattern: $0.bitPattern.byteSwapped) }
        #endif
        return values.withUnsafeBytes { encode(bytes: $0) }
    }

    private static func encode(bytes: UnsafeRawBufferPointer) -> String {
        let length = (bytes.count + 2) / 3 * 4
        return String(unsafeUninitializedCapacity: length) { output in
            var out = 0
            var index = 0
            while index < bytes.count {
                let b0 = UInt32(bytes[index])
                let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
                let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
                let group = b0 << 16 | b1 << 8 | b2
                output[out] = alphabet[Int(group >> 18 & 63)]
                output[out + 1] = alphabet[Int(group >> 12 & 63)]
                output[out + 2] = index + 1 < bytes.count ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "=")
                output[out + 3] = index + 2 < bytes.count ? alphabet[Int(group & 63)] : UInt8(ascii: "=")
                out += 4
                index += 3
            }
            return length
        }
    }

    /// Decodes the first `count` characters of `text` (padding removed) into `bytes`, which holds exactly what they
    /// decode to; false at a character outside the alphabets.
    private static func decodeBytes(_ text: UnsafeRawBufferPointer, count: Int, into bytes: UnsafeMutableRawBufferPointer) -> Bool {
        sextets.withUnsafeBufferPointer { table in
            var input = 0
            var output = 0
            while input + 4 <= count {
                let a = table[Int(text[input])], b = table[Int(text[input + 1])]
                let c = table[Int(text[input + 2])], d = table[Int(text[input + 3])]
                guard (a | b | c | d) & 0x80 == 0 else { return false }
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                bytes[output] = UInt8(truncatingIfNeeded: group >> 16)
                bytes[output + 1] = UInt8(truncatingIfNeeded: group >> 8)
                bytes[output + 2] = UInt8(truncatingIfNeeded: group)
                input += 4
                output += 3
            }
            let left = count - input
            guard left > 0 else { return true }
            var group: UInt32 = 0
            for offset in 0..<left {
                let sextet = table[Int(text[input + offset])]
                guard sextet & 0x80 == 0 else { return false }
                group |= UInt32(sextet) << (18 - 6 * UInt32(offset))
            }
            for offset in 0..<(left - 1) { bytes[output + offset] = UInt8(truncatingIfNeeded: group >> (16 - 8 * UInt32(offset))) }
            return true
        }
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Each byte's value in base64 (both alphabets), or 0xFF.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()
}
