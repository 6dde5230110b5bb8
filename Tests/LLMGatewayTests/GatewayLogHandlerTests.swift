import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import LLMGateway

/// The gateway's log lines are swift-log's `StreamLogHandler` lines, made with less work.
@Suite struct GatewayLogHandlerTests {
    /// What a `StreamLogHandler` writes.
    final class Captured: TextOutputStream, @unchecked Sendable {
        let lines = NIOLockedValueBox<[String]>([])
        func write(_ string: String) { lines.withLockedValue { $0.append(string) } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "it broke" }
    }

    @Test("a line is StreamLogHandler's line: the same level, label, metadata in key order, source and message")
    func linesMatchStreamLogHandler() {
        let provider = Logger.MetadataProvider { ["trace_id": "t-1", "shared": "provided"] }
        var ours = GatewayLogHandler(label: "llm.gateway.access", metadataProvider: provider)
        let captured = Captured()
        var theirs = StreamLogHandler(label: "llm.gateway.access", stream: captured, metadataProvider: provider)
        for (key, value) in [("base", "kept"), ("shared", "base")] as [(String, Logger.Metadata.Value)] {
            ours[metadataKey: key] = value
            theirs[metadataKey: key] = value
        }
        let events = [
            LogEvent(
                level: .info, message: "request",
                metadata: ["status": "200", "alias": "smol", "shared": "explicit", "tokens": .stringConvertible(12), "list": ["a", "b"],
                           "nested": ["k": "v"], "spaced": "two words"],
                source: "LLMGateway", file: #fileID, function: #function, line: #line),
            LogEvent(level: .warning, message: "no metadata", metadata: nil, source: "S", file: #fileID, function: #function, line: #line),
            LogEvent(level: .error, message: "failed", error: Failure(), metadata: [:], source: "S", file: #fileID, function: #function, line: #line),
        ]
        for event in events {
            theirs.log(event: event)
            let expected = captured.lines.withLockedValue { $0.removeLast() }
            // Both begin with the time: StreamLogHandler's own, and ours given as the same text.
            let time = String(expected.prefix { $0 != " " })
            #expect(ours.line(for: event, at: time) == expected)
        }
    }

    @Test("the time is StreamLogHandler's format in local time, made once a second")
    func timestampIsLocalTimeToTheSecond() {
        let text = GatewayLogHandler.timestamp()
        #expect(text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}/) != nil, "\(text)")
    }
}
