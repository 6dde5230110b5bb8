import ArgumentParser
import LLM

/// Prints a failure as `llm: <message>` on stderr and picks its exit code.
enum ErrorReporting {
    /// Reports `error` and returns the `ExitCode` to throw. Errors ArgumentParser knows how to present
    /// (`ValidationError`, `ExitCode`, `CleanExit`) are returned unchanged for it to handle.
    static func report(_ error: any Error, interrupted: Bool = false) -> any Error {
        // After Ctrl-C the request may end with any error (or none); it was still a cancellation.
        if interrupted {
            Terminal.writeError("llm: cancelled\n")
            return ExitCode.cancelled
        }
        switch error {
        case let error as LLMError:
            // LLMError descriptions never contain the API key (providers mask it in error bodies).
            Terminal.writeError("llm: \(error)\n")
            return ExitCode(for: error)
        case is CancellationError:
            Terminal.writeError("llm: cancelled\n")
            return ExitCode.cancelled
        case let error as ConfigurationError:
            Terminal.writeError("llm: \(error)\n")
            return ExitCode.configuration
        case is ValidationError, is ExitCode, is CleanExit:
            return error
        default:
            Terminal.writeError("llm: \(error)\n")
            return ExitCode.failure
        }
    }
}
