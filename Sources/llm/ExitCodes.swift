import ArgumentParser
import LLM

/// The exit codes of `llm`, one per class of failure, so scripts can tell "fix your setup" from
/// "try again later" without parsing messages.
extension ExitCode {
    /// No provider configured, unknown provider, or an unreadable `--schema` / `--tool` file.
    static let configuration = ExitCode(3)
    static let authentication = ExitCode(4)
    static let rateLimited = ExitCode(5)
    static let network = ExitCode(6)
    static let invalidRequest = ExitCode(7)
    static let serverError = ExitCode(8)
    static let badResponse = ExitCode(9)
    /// 128 + SIGINT, what shells report for a command stopped by Ctrl-C.
    static let cancelled = ExitCode(130)
    /// ArgumentParser's own usage exit code is EX_USAGE (64); `llm` reports usage errors as 2, like most
    /// Unix tools (see `LLMCommand.main()`).
    static let usage = ExitCode(2)

    /// The exit code for a failed model call. Pure, so the table below stays the single source of truth.
    init(for error: LLMError) {
        // No `default:` on purpose: a new LLMError case must be given a code here.
        switch error {
        case .authentication, .permissionDenied:
            self = .authentication
        case .rateLimited, .overloaded:
            self = .rateLimited
        case .network, .timeout:
            self = .network
        case .invalidRequest, .modelNotFound, .contextLengthExceeded, .contentFiltered, .unsupported:
            self = .invalidRequest
        case .serverError:
            self = .serverError
        case .malformedResponse, .emptyResponse, .invalidToolArguments:
            self = .badResponse
        case .cancelled:
            self = .cancelled
        }
    }

    /// The exit-code table shown by `--help`.
    static let documentation = """
        Exit codes:
          0    success
          1    other or unexpected error
          2    usage error (bad option, missing prompt)
          3    configuration: no or unknown provider, unreadable --schema/--tool file
          4    authentication failed or permission denied
          5    rate limited or provider overloaded
          6    network error or timeout (server unreachable)
          7    invalid request, model not found, context length exceeded,
               content filtered, or a feature the provider does not support
          8    provider server error
          9    malformed or empty response, or invalid tool-call arguments
          130  cancelled (Ctrl-C)
        """
}
