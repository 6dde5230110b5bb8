import Foundation

/// Why an MCP server could not be reached or stopped answering. Errors the server itself reports for a
/// tool call are not thrown: they come back as error results (see ``MCPConnection/callTool(_:arguments:)``).
public enum MCPConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The command could not be started (not found, not executable...).
    case launchFailed(command: String, reason: String)
    /// The server process ended; `stderr` holds the last of what it wrote there.
    case processExited(status: Int32, stderr: String)
    /// The server did not answer `operation` within the time limit.
    case timedOut(operation: String, after: Duration)
    /// The connection was closed (by ``MCPConnection/close()`` or because the server went away).
    case closed

    public var description: String {
        switch self {
        case .launchFailed(let command, let reason): "could not start MCP server '\(command)': \(reason)"
        case .processExited(let status, let stderr):
            "MCP server exited with status \(status)" + (stderr.isEmpty ? "" : ": \(stderr)")
        case .timedOut(let operation, let after): "MCP server did not answer \(operation) within \(after)"
        case .closed: "the MCP connection is closed"
        }
    }
}
