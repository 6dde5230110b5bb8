/// Runs the tool calls of one step in parallel, each under the per-tool time limit. Never throws:
/// every failure becomes an error result the model reads.
struct ToolExecutor: Sendable {
    let tools: [String: AnyAgentTool]
    let timeout: Duration
    var approve: (@Sendable (ToolCall) async -> ToolApproval)?

    /// Results in the order of `calls`; each is reported through `emit` as soon as it is ready.
    func execute(
        _ calls: [ToolCall], rejected: [Int: String], emit: @Sendable (AgentEvent) -> Void
    ) async -> [ToolResult] {
        await withTaskGroup(of: (Int, ToolResult).self) { group in
            for (position, call) in calls.enumerated() {
                let rejection = rejected[position]
                group.addTask { (position, await result(for: call, rejection: rejection)) }
            }
            var results = [ToolResult?](repeating: nil, count: calls.count)
            for await (position, result) in group {
                emit(.toolResult(result))
                results[position] = result
            }
            return results.compactMap { $0 }
        }
    }

    private func result(for call: ToolCall, rejection: String?) async -> ToolResult {
        if let rejection { return ToolOutput.error(rejection).result(for: call) }
        guard let tool = tools[call.name] else {
            let names = tools.keys.sorted().joined(separator: ", ")
            return ToolOutput.error("Unknown tool '\(call.name)'. Available tools: \(names.isEmpty ? "none" : names).")
                .result(for: call)
        }
        if let approve, case .deny(let reason) = await approve(call) {
            return ToolOutput.error("The call to '\(call.name)' was not allowed: \(reason)").result(for: call)
        }
        let arguments = call.arguments
        switch await TimeLimit.run(timeout, { try await tool.call(arguments: arguments) }) {
        case .finished(.success(let output)):
            return output.result(for: call)
        case .finished(.failure(let error)):
            return ToolOutput.error("Tool '\(call.name)' failed: \(Self.describe(error))").result(for: call)
        case .timedOut:
            return ToolOutput.error("Tool '\(call.name)' did not finish within \(timeout) and was cancelled.")
                .result(for: call)
        }
    }

    private static func describe(_ error: any Error) -> String {
        if error is CancellationError { return "cancelled" }
        return String(describing: error)
    }
}
