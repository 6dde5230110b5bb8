import Foundation

/// Reads the wire transcripts under Tests/LLMTests/Fixtures.
enum Fixtures {
    static func text(_ path: String) throws -> String {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent("Fixtures") else {
            throw FixtureMissing(path: path)
        }
        return try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    struct FixtureMissing: Error { var path: String }
}

/// Chunk sizes every transcript is fed in; they catch framing bugs (split CRLF, split UTF-8).
let transcriptChunkSizes = [1, 2, 3, 7, 64, Int.max]
