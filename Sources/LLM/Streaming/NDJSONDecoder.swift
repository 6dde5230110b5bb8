import NIOCore

/// Incremental splitter for newline-delimited JSON bodies (as streamed by Ollama, for example).
///
/// Returns each line as a `ByteBuffer` without parsing it. Lines end in LF, an optional CR
/// before it is dropped, and blank or whitespace-only lines are skipped.
public struct NDJSONDecoder: Sendable {
    /// Bytes of a line whose LF has not arrived yet.
    private var pending = ByteBuffer()

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Decodes the next chunk of the body and returns the lines it completed.
    ///
    /// A line that lies within one chunk is returned as a slice sharing that chunk's storage.
    public mutating func decode(_ chunk: ByteBuffer) -> [ByteBuffer] {
        var lines: [ByteBuffer] = []
        decode(chunk, into: &lines)
        return lines
    }

    /// Decodes the next chunk of the body, appending the lines it completed to `lines` (whose storage a
    /// caller can reuse from chunk to chunk).
    public mutating func decode(_ chunk: ByteBuffer, into lines: inout [ByteBuffer]) {
        chunk.withUnsafeReadableBytes { bytes in
            var start = 0
            while let end = Self.firstLF(in: bytes, from: start) {
                if pending.readableBytes == 0 {
                    let length = Self.lengthWithoutCR(bytes, start, end)
                    if !Self.isBlank(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])) {
                        lines.append(chunk.getSlice(at: chunk.readerIndex + start, length: length)!)
                    }
                } else {
                    pending.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                    if let line = takePending() { lines.append(line) }
                }
                start = end + 1
            }
            if start < bytes.count {
                pending.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start...]))
            }
        }
    }

    /// Ends the stream: returns a last line that had no trailing LF, unless it is blank.
    public mutating func finish() -> ByteBuffer? {
        takePending()
    }

    /// Hands over the pending bytes as a line (nil if blank) and starts a fresh pending buffer.
    private mutating func takePending() -> ByteBuffer? {
        var line = pending
        pending = ByteBuffer()
        // A CR may have been the last byte of an earlier chunk, so strip it here, not per chunk.
        if line.readableBytesView.last == .cr {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        let blank = line.withUnsafeReadableBytes { Self.isBlank($0) }
        return blank ? nil : line
    }

    private static func firstLF(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        ByteSearch.firstIndex(of: .lf, in: bytes, from: start)
    }

    /// Length of `bytes[start..<end]` without one trailing CR.
    private static func lengthWithoutCR(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
        end > start && bytes[end - 1] == .cr ? end - start - 1 : end - start
    }

    /// True if the bytes are empty or only JSON whitespace (space, tab, CR; LF cannot occur).
    private static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where byte != .space && byte != .tab && byte != .cr {
            return false
        }
        return true
    }
}

extension UInt8 {
    fileprivate static let lf = UInt8(ascii: "\n")
    fileprivate static let cr = UInt8(ascii: "\r")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
}
