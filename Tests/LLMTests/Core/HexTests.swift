import Foundation
import Testing

@testable import LLM

@Suite("Hexadecimal text")
struct HexTests {
    @Test("every byte is two lowercase digits, whether the bytes are contiguous or not")
    func everyByte() {
        let bytes = (0...255).map { UInt8($0) }
        let expected = bytes.map { String(format: "%02x", $0) }.joined()
        #expect(Hex.lowercase(bytes) == expected)
        #expect(Hex.lowercase((0...255).lazy.map { UInt8($0) }) == expected, "a sequence with no contiguous storage")
        #expect(bytes.withUnsafeBytes { Hex.lowercase($0) } == expected)
        #expect(Hex.lowercase([UInt8]()) == "")
    }
}
