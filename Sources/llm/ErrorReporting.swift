import ArgumentParser
import LLM

/// Prints a failure as `llm: <message>` on stderr and picks its exit code.
enum ErrorReporting {
    /// Reports `error` and returns the `ExitCode` to throw. Errors ArgumentParser knows how to present
    /// (`ExitCode`, `CleanExit`) are returned unchanged for it to handle.
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
        case let error as ValidationError:
            // Only problems found while running reach here (bad stdin, empty model): report them like
            // every other runtime error. Those found while parsing are ArgumentParser's to print.
            Terminal.writeError("llm: \(error.message)\n")
            return ExitCode.usage
        case is ExitCode, is CleanExit:
            return error
        default:
            Terminal.writeError("llm: \(error)\n")
            return ExitCode.failure
        }
    }
}
