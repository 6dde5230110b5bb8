import LLM
import NIOCore

/// Chunk sizes every fixture is fed in; `Int.max` means the whole transcript at once.
let chunkSizes = [1, 2, 3, 7, 64, Int.max]

/// An incremental decoder the tests can drive uniformly.
protocol ChunkDecoder {
    associatedtype Output
    init()
    mutating func decodeChunk(_ chunk: ByteBuffer) -> [Output]
    mutating func finishStream() -> [Output]
}

extension SSEDecoder: ChunkDecoder {
    mutating func decodeChunk(_ chunk: ByteBuffer) -> [ServerSentEvent] { decode(chunk) }
    mutating func finishStream() -> [ServerSentEvent] { finish() }
}

extension NDJSONDecoder: ChunkDecoder {
    /// Lines as Strings, so tests can compare them directly.
    mutating func decodeChunk(_ chunk: ByteBuffer) -> [String] { decode(chunk).map { String(buffer: $0) } }
    mutating func finishStream() -> [String] { finish().map { [String(buffer: $0)] } ?? [] }
}

/// Makes a chunk whose reader index is not 0, as buffers coming off a channel often are,
/// so decoders that slice by offset are exercised too.
func makeChunk(_ bytes: some Collection<UInt8>) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt8(0xAA))
    buffer.writeBytes(bytes)
    buffer.moveReaderIndex(forwardBy: 1)
    return buffer
}

/// Splits `bytes` into consecutive chunks of `size` bytes (the last may be shorter).
func chunks(of bytes: [UInt8], size: Int) -> [ArraySlice<UInt8>] {
    precondition(size > 0)
    var result: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        let end = bytes.count - start > size ? start + size : bytes.count
        result.append(bytes[start..<end])
        start = end
    }
    return result
}

/// Feeds `bytes` to `decoder` in chunks of `chunkSize`, without finishing the stream.
func feed<D: ChunkDecoder>(_ bytes: [UInt8], chunkSize: Int, into decoder: inout D) -> [D.Output] {
    chunks(of: bytes, size: chunkSize).flatMap { decoder.decodeChunk(makeChunk($0)) }
}

/// Feeds a whole transcript in chunks of `chunkSize` to a fresh decoder, then finishes it.
func decodeAll<D: ChunkDecoder>(_ transcript: String, chunkSize: Int, as _: D.Type = D.self) -> [D.Output] {
    var decoder = D()
    return feed(Array(transcript.utf8), chunkSize: chunkSize, into: &decoder) + decoder.finishStream()
}

/// Feeds `bytes` as exactly two chunks split at `index`, then finishes.
func decodeSplit<D: ChunkDecoder>(_ bytes: [UInt8], at index: Int, as _: D.Type = D.self) -> [D.Output] {
    var decoder = D()
    var output = decoder.decodeChunk(makeChunk(bytes[..<index]))
    output += decoder.decodeChunk(makeChunk(bytes[index...]))
    return output + decoder.finishStream()
}

/// A small deterministic generator for random chunkings, so failures reproduce.
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
