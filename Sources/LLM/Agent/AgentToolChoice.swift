/// Which ``ToolChoice`` the agent sends at each step.
///
/// Forcing a tool on every step would never let the model answer, so the common forced form is
/// ``requiredOnFirstStep``; ``perStep(_:)`` decides freely.
public struct AgentToolChoice: Sendable {
    private let choose: @Sendable (_ step: Int) -> ToolChoice?

    /// `choose` gets the step number (1 for the first step); nil leaves the choice to the provider.
    public init(_ choose: @escaping @Sendable (_ step: Int) -> ToolChoice?) {
        self.choose = choose
    }

    public static func perStep(_ choose: @escaping @Sendable (_ step: Int) -> ToolChoice?) -> AgentToolChoice {
        AgentToolChoice(choose)
    }

    /// The tool choice of a step.
    public func choice(forStep step: Int) -> ToolChoice? { choose(step) }

    /// Sends no tool choice: the provider's default (the model decides).
    public static let providerDefault = AgentToolChoice { _ in nil }

    /// The model decides at every step.
    public static let auto = AgentToolChoice { _ in .auto }

    /// The same choice at every step. With `.required` the run ends only by a stop condition or max steps.
    public static func always(_ choice: ToolChoice) -> AgentToolChoice { AgentToolChoice { _ in choice } }

    /// The first step must call a tool; later steps send `later` (nil: the provider's default).
    public static func requiredOnFirstStep(then later: ToolChoice?) -> AgentToolChoice {
        AgentToolChoice { step in step == 1 ? .required : later }
    }

    /// The first step must call a tool; the model decides after that.
    public static let requiredOnFirstStep = requiredOnFirstStep(then: .auto)
}
