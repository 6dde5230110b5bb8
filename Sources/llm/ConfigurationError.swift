/// A problem with how `llm` was set up (provider, key, input files), as opposed to a failed model call.
/// Always exits with ``ArgumentParser/ExitCode/configuration`` (3).
struct ConfigurationError: Error, CustomStringConvertible {
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
