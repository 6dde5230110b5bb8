import Foundation
import Logging

/// Log lines kept in memory, for asserting on what an instrumented provider logs.
final class LogRecorder: @unchecked Sendable {
    struct Entry {
        var label: String
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    var entries: [Entry] { lock.withLock { stored } }

    func append(_ entry: Entry) {
        lock.withLock { stored.append(entry) }
    }

    /// A logger writing here, at `.trace` so every line is kept.
    func logger(label: String = "llm.mock") -> Logger {
        var logger = Logger(label: label) { label in RecordingLogHandler(label: label, recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Everything logged, as one string: for checking that some text appears nowhere.
    var allText: String {
        entries.map { entry in
            ([entry.message] + entry.metadata.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }.joined(separator: "\n")
    }
}

/// A `LogHandler` that appends every line, with the logger's metadata merged in, to a ``LogRecorder``.
struct RecordingLogHandler: LogHandler {
    let label: String
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    init(label: String, recorder: LogRecorder) {
        self.label = label
        self.recorder = recorder
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        recorder.append(
            LogRecorder.Entry(
                label: label, level: event.level, message: event.message.description,
                metadata: merged.mapValues { $0.description }))
    }
}
