import Foundation

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
        return text(uuid: bytes)
    }

    /// A time-ordered (version 7, RFC 9562) UUID in lowercase text: the Unix time in milliseconds, then random bits.
    /// Ids made later sort later, so a database index over them grows at its end: a random id lands on a random page
    /// of the index, which each insert then writes whole.
    package static func timeOrderedUUID(now: Date = Date()) -> String {
        var bytes = bytes(16)
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        bytes[6] = bytes[6] & 0x0f | 0x70  // version 7
        return text(uuid: bytes)
    }

    /// Sixteen bytes as a UUID's text, with RFC 9562's variant bits set.
    private static func text(uuid bytes: [UInt8]) -> String {
        var bytes = bytes
        bytes[8] = bytes[8] & 0x3f | 0x80  // RFC 9562 variant
        // 8-4-4-4-12 digits: a hyphen before the digits of bytes 4, 6, 8 and 10.
        return String(unsafeUninitializedCapacity: 36) { text in
            var count = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[count] = UInt8(ascii: "-")
                    count += 1
                }
                text[count] = Hex.digit(byte >> 4)
                text[count + 1] = Hex.digit(byte & 0x0f)
                count += 2
            }
            return count
        }
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
