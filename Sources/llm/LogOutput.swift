import Logging

/// Where the library's logs go in the CLI: nowhere unless asked; with `--verbose` or `LLM_LOG_LEVEL`, to stderr.
enum LogOutput {
    /// Sends logs at `LLM_LOG_LEVEL` (trace, debug, info, notice, warning, error, critical), else at debug with
    /// `--verbose`, to stderr; without either, logs stay off. Call once, before the first provider is made.
    static func start(verbose: Bool, environment: [String: String]) {
        let named = environment["LLM_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        guard let level = named ?? (verbose ? .debug : nil) else {
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
            return
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
