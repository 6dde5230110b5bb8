import Foundation
import LLM
import Testing

/// The bytes of one client format x backend pair, kept under `Tests/Fixtures/gateway/<client>/<backend>.txt`: for each
/// scenario, what the gateway sent upstream and what it answered the SDK, with ids and times masked. A translation
/// change shows in review as a change of these files. `LLM_UPDATE_GOLDEN=1` writes them anew.
struct GoldenTranscript {
    var sections: [String] = []

    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/gateway")
    }

    mutating func add(scenario: String, upstream: [String], status: Int?, response: String) {
        var section = "## \(scenario)\n"
        for body in upstream { section += "--> upstream\n\(Self.mask(body))\n" }
        section += "<-- \(status.map(String.init) ?? "no answer")\n\(Self.mask(response))\n"
        sections.append(section)
    }

    var text: String { sections.joined(separator: "\n") }

    /// Compares with the kept file (or writes it, with `LLM_UPDATE_GOLDEN=1`).
    func check(client: MatrixClient, backend: MatrixBackend, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = Self.folder.appendingPathComponent("\(client.rawValue)/\(backend.rawValue).txt")
        if ProcessInfo.processInfo.environment["LLM_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let kept = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no golden transcript at \(file.path): run the test with LLM_UPDATE_GOLDEN=1 and review it", sourceLocation: sourceLocation)
            return
        }
        guard kept != text else { return }
        let keptLines = kept.split(separator: "\n", omittingEmptySubsequences: false)
        let newLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(keptLines.count, newLines.count)).first { keptLines[$0] != newLines[$0] } ?? min(keptLines.count, newLines.count)
        Issue.record(
            """
            \(client.rawValue) -> \(backend.rawValue): the gateway's bytes changed (\(file.path), line \(first + 1)):
              kept: \(first < keptLines.count ? String(keptLines[first]) : "<end>")
              now:  \(first < newLines.count ? String(newLines[first]) : "<end>")
            If the change is meant, run with LLM_UPDATE_GOLDEN=1 and review the diff.
            """, sourceLocation: sourceLocation)
    }

    /// What changes from run to run: generated ids (UUIDs, with or without dashes, and the hex ids made from them),
    /// Unix times, ISO 8601 times and durations; heartbeats are left out.
    static func mask(_ text: String) -> String {
        var masked = text
        let rules: [(String, String)] = [
            (#"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#, "<uuid>"),
            (#"[0-9a-f]{32}"#, "<uuid>"),
            (#""(created|created_at|createTime)"\s*:\s*\d+"#, #""$1":<time>"#),
            (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"#, "<time>"),
            (#""(total_duration|load_duration|prompt_eval_duration|eval_duration)"\s*:\s*\d+"#, #""$1":<duration>"#),
            // An SSE heartbeat comment comes when a stream is slower than its interval: on a busy machine, any time.
            (#"(?m)^:\n\n"#, ""),
        ]
        for (pattern, replacement) in rules {
            masked = masked.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return masked
    }
}
