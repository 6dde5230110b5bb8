#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finding a byte in a body chunk with `memchr`, and comparing runs of bytes with `memcmp`: both handle many
/// bytes per step.
///
/// Every byte of a streamed body passes the line splitters; a loop over single bytes was about 5% of a
/// stream's decoding CPU (`perf` on `StreamBench --layer decode`).
enum ByteSearch {
    /// The index of the first `byte` in `bytes[start..<end]` (`end` defaults to the end of `bytes`).
    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int? = nil) -> Int? {
        let end = end ?? bytes.count
        guard start < end, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), end - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    /// Whether the two runs of bytes are the same.
    @inline(__always)
    static func same(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }
        return memcmp(leftBase, rightBase, left.count) == 0
    }
}
