import Crypto
import Foundation
import LLM

/// Client keys: 256 random bits, shown once at creation, stored only as their SHA-256. A key is looked up by its hash
/// and the hashes compared again in constant time, so neither the store nor the comparison sees the key.
public enum GatewayKeySecret {
    /// The prefix that says what a key is for, as `sk-` does for OpenAI's.
    static let prefix = "llmgw-"

    /// A new key: the prefix and 32 random bytes in URL-safe base64.
    public static func generate() -> String {
        prefix + Data(RandomID.bytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A new key id: `key_` and 12 random hex digits (not secret: it names the key in the admin API and the ledger).
    public static func newID() -> String {
        "key_" + RandomID.hex(bytes: 6)
    }

    /// The SHA-256 of `key`, hex.
    public static func hash(_ key: String) -> String {
        // The key's bytes and the digest's are read where they are (a copy of either showed in the profile).
        var hasher = SHA256()
        var key = key
        key.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hasher.finalize().withUnsafeBytes { Hex.lowercase($0) }
    }

    /// Whether two hashes are equal, in a time that depends only on their length.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
