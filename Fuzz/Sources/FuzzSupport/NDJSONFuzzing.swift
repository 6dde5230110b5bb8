import LLM

/// The NDJSON splitter against itself and against a one-line definition of it.
///
/// Input: one chunking byte (see ``Chunking``), then the body.
public enum NDJSONFuzzing {
    public static func run(_ input: FuzzInput) {
        var input = input
        let mode = input.byte()
        let body = input.rest()

        let whole = decode([body])
        let split = decode(Chunking.split(body, mode: mode))
        fuzzCheck(split == whole, "chunking changed the lines:\n split: \(split)\n whole: \(whole)")
        let reference = referenceLines(body)
        fuzzCheck(whole == reference, "decoder and reference disagree:\n decoder:   \(whole)\n reference: \(reference)")
    }

    static func decode(_ pieces: [[UInt8]]) -> [[UInt8]] {
        var decoder = NDJSONDecoder()
        var lines: [[UInt8]] = []
        for piece in pieces {
            lines += decoder.decode(Chunking.buffer(piece)).map { Array($0.readableBytesView) }
        }
        if let last = decoder.finish() { lines.append(Array(last.readableBytesView)) }
        return lines
    }

    /// Lines end in LF; one CR before it goes; lines of only spaces, tabs and CRs are skipped; a last
    /// line without LF counts.
    static func referenceLines(_ body: [UInt8]) -> [[UInt8]] {
        body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).compactMap { piece in
            var line = Array(piece)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            let blank = line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
            return blank ? nil : line
        }
    }
}
