import NIOCore

/// Chunk splits derived from one byte of the input, so every split the fuzzer finds is reproducible.
///
/// - `0`: the whole body in one chunk;
/// - `1...127`: fixed chunks of that many bytes (what ``ReplayTransport``'s `chunkSize` does);
/// - `128...255`: chunks of varying size, 1 to `(mode & 63) + 1` bytes, from a generator seeded by the mode.
public enum Chunking {
    public static func split(_ bytes: [UInt8], mode: UInt8) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [] }
        guard mode != 0 else { return [bytes] }
        var generator = SplitMix64(seed: UInt64(mode) &* 0x9E37_79B9 &+ UInt64(bytes.count))
        var pieces: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let size = mode < 128 ? Int(mode) : Int(generator.next() % (UInt64(mode & 63) + 1)) + 1
            let end = min(bytes.count, start + size)
            pieces.append(Array(bytes[start..<end]))
            start = end
        }
        return pieces
    }

    /// A buffer whose reader index is not 0, as buffers off a channel often are, so decoders that
    /// slice by offset are exercised too.
    public static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(0xAA))
        buffer.writeBytes(bytes)
        buffer.moveReaderIndex(forwardBy: 1)
        return buffer
    }
}

/// A small deterministic generator.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
