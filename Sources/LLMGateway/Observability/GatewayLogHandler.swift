#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOConcurrencyHelpers

/// Writes swift-log's `StreamLogHandler` line to standard error,
/// `2026-12-04T16:50:51+0000 info llm.gateway.access: alias=smol ... status=200 [LLMGateway] request`, with less work a
/// line: the gateway writes one a request, and `StreamLogHandler` showed at 4-5% of its time under load (the metadata
/// sorted and formatted through intermediate strings, the local time looked up at every line). Here the metadata is
/// written straight into the line, the time's text is made once a second, and the line goes out in one `write`.
///
/// `llm-gateway` logs through it; a program that embeds ``Gateway`` chooses its own backend
/// (`LoggingSystem.bootstrap { GatewayLogHandler(label: $0) }` for this one).
public struct GatewayLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = line(for: event, at: Self.timestamp())
        line.withUTF8 { bytes in
            var written = 0
            while written < bytes.count {
                let result = write(2, bytes.baseAddress! + written, bytes.count - written)
                if result > 0 {
                    written += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    /// The line for `event`, as `StreamLogHandler` writes it: the time, the level, the label, the metadata sorted by
    /// key (the handler's, then its provider's, then the event's, each winning over the one before, then the error's),
    /// the source and the message.
    func line(for event: LogEvent, at time: String) -> String {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty { merged.merge(provided) { $1 } }
        if let explicit = event.metadata, !explicit.isEmpty {
            if merged.isEmpty { merged = explicit } else { merged.merge(explicit) { $1 } }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = time
        line.reserveCapacity(time.utf8.count + 64 + merged.count * 32)
        line += " "
        line += event.level.rawValue
        if !label.isEmpty { line += " " }
        line += label
        line += ":"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " "
            line += key
            line += "="
            if case .string(let text) = value { line += text } else { line += value.description }
        }
        line += " ["
        line += event.source
        line += "] "
        line += event.message.description
        line += "\n"
        return line
    }

    /// The second's text, `%Y-%m-%dT%H:%M:%S%z` in local time, made again only when the second changes.
    private static let lastSecond = NIOLockedValueBox<(second: time_t, text: String)>((-1, ""))

    static func timestamp() -> String {
        let now = time(nil)
        if let text = lastSecond.withLockedValue({ $0.second == now ? $0.text : nil }) { return text }
        var seconds = now
        var local = tm()
        guard localtime_r(&seconds, &local) != nil else { return "<unknown>" }
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        let text = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        lastSecond.withLockedValue { $0 = (now, text) }
        return text
    }
}
