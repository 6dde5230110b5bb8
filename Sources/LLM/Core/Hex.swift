/// Bytes as lowercase hexadecimal digits (hashes, random ids). `String(format: "%02x")` a byte cost the gateway 8% of
/// its time in the profile, hashing each request's key; an array of digits turned into a string after, 0.6%.
package enum Hex {
    package static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ lowercase(UnsafeRawBufferPointer($0)) }) { return text }
        return Array(bytes).withUnsafeBytes { lowercase($0) }
    }

    /// The digits written straight into the string's storage: no array between, and no UTF-8 check of ASCII.
    package static func lowercase(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = digit(byte >> 4)
                text[2 * index + 1] = digit(byte & 0x0f)
            }
            return bytes.count * 2
        }
    }

    /// The digit of a value under 16.
    package static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
