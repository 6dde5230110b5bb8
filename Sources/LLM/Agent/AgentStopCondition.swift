/// Ends an agent run early: checked after every step that called tools (once its tools ran).
///
/// ```swift
/// options.stopCondition = .toolCalled("final_answer")
/// options.stopCondition = AgentStopCondition { step in step.totalUsage.totalTokens > 50_000 }
/// ```
public struct AgentStopCondition: Sendable {
    private let predicate: @Sendable (AgentStep) -> Bool

    public init(_ predicate: @escaping @Sendable (AgentStep) -> Bool) {
        self.predicate = predicate
    }

    public func shouldStop(after step: AgentStep) -> Bool { predicate(step) }

    /// Stops once the model called the named tool (after it ran).
    public static func toolCalled(_ name: String) -> AgentStopCondition {
        AgentStopCondition { step in step.toolCalls.contains { $0.name == name } }
    }

    /// Stops once the run used more than `limit` tokens (input plus output, all steps).
    public static func totalTokensExceed(_ limit: Int) -> AgentStopCondition {
        AgentStopCondition { step in step.totalUsage.totalTokens > limit }
    }
}
