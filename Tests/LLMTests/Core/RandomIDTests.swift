import Foundation
import Testing

@testable import LLM

@Suite("Random ids")
struct RandomIDTests {
    @Test("a time-ordered UUID is version 7 text with RFC 9562's variant, its first 48 bits the time in milliseconds")
    func timeOrderedUUIDLayout() throws {
        let now = Date(timeIntervalSince1970: 1_764_866_400.123)
        let id = RandomID.timeOrderedUUID(now: now)
        let groups = id.split(separator: "-")
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
        #expect(id.allSatisfy { "0123456789abcdef-".contains($0) })
        #expect(groups[2].first == "7")
        #expect("89ab".contains(groups[3].first!))
        let milliseconds = try #require(UInt64(groups[0] + groups[1], radix: 16))
        #expect(milliseconds == 1_764_866_400_123)
    }

    @Test("ids made in different milliseconds sort in the order they were made; ids of one millisecond differ")
    func timeOrderedUUIDsSortByTime() {
        let start = Date(timeIntervalSince1970: 1_764_866_400)
        // Two milliseconds apart: a Date's seconds are binary fractions, so 1 ms steps can land on one millisecond twice.
        let ids = (0..<200).map { RandomID.timeOrderedUUID(now: start.addingTimeInterval(Double($0) * 0.002)) }
        #expect(ids.sorted() == ids)
        #expect(Set(ids.map { $0.prefix(13) }).count == 200)
        let sameMillisecond = (0..<200).map { _ in RandomID.timeOrderedUUID(now: start) }
        #expect(Set(sameMillisecond).count == 200)
    }

    @Test("a random UUID is version 4 with RFC 9562's variant")
    func randomUUIDLayout() {
        let id = RandomID.uuid()
        let groups = id.split(separator: "-")
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
        #expect(groups[2].first == "4")
        #expect("89ab".contains(groups[3].first!))
    }
}

@Suite("Random bytes")
struct RandomBytesTests {
    @Test("any count of bytes comes back, and two draws of sixteen differ")
    func bytesOfAnyCount() {
        for count in [0, 1, 7, 8, 9, 16, 33, 300] {
            #expect(RandomID.bytes(count).count == count)
        }
        #expect(RandomID.bytes(16) != RandomID.bytes(16))
    }

    @Test("the bytes are spread over all values: 64 KiB hold each byte value, none far from its share")
    func bytesAreSpread() {
        var counts = [Int](repeating: 0, count: 256)
        for byte in RandomID.bytes(65_536) { counts[Int(byte)] += 1 }
        // 256 expected each; a uniform source stays within 150-370 with overwhelming probability.
        #expect(counts.allSatisfy { (150...370).contains($0) }, "\(counts.min()!)...\(counts.max()!)")
    }
}
