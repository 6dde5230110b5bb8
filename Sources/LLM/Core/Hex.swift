/// Bytes as lowercase hexadecimal digits (hashes, random ids). `String(format: "%02x")` a byte cost the gateway 8% of
/// its time in the profile, hashing each request's key.
package enum Hex {
    package static let digits = Array("0123456789abcdef".utf8)

    package static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
