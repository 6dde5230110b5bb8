/// Runs `operation` with a time limit. When the limit passes (or the caller is cancelled), `abandon`
/// runs: it must make the operation return (MCP requests do not react to task cancellation; cancelling
/// the request or disconnecting the client does), and the caller gets the timeout error.
func withDeadline<Value: Sendable>(
    _ limit: Duration, operation name: String, abandon: @escaping @Sendable () async -> Void,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withTaskCancellationHandler {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                await abandon()
                throw MCPConnectionError.timedOut(operation: name, after: limit)
            }
            return value
        }
    } onCancel: {
        Task { await abandon() }
    }
}
