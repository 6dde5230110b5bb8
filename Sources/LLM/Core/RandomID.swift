/// Random identifiers from the system's generator. Foundation's `UUID()` opens `/dev/urandom` for each one on Linux,
/// which the gateway's profile showed at 4% of its time (a request makes several ids).
package enum RandomID {
    /// `byteCount` random bytes as lowercase hex digits.
    package static func hex(bytes byteCount: Int) -> String {
        Hex.lowercase(bytes(byteCount))
    }

    /// A random (version 4) UUID in lowercase text: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
    package static func uuid() -> String {
        var bytes = bytes(16)
        bytes[6] = bytes[6] & 0x0f | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3f | 0x80  // RFC 4122 variant
        let hex = Array(Hex.lowercase(bytes).utf8)
        var text = hex[0..<8]
        for range in [8..<12, 12..<16, 16..<20, 20..<32] {
            text.append(UInt8(ascii: "-"))
            text.append(contentsOf: hex[range])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `count` random bytes, eight a draw: each draw is a system call (a byte a draw made a UUID sixteen of them).
    package static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}
