/// How much the model should think before answering, for models that reason.
public struct ReasoningOptions: Sendable, Hashable {
    public enum Effort: String, Sendable, Hashable {
        case minimal, low, medium, high
    }

    /// A qualitative effort (OpenAI `reasoning_effort`).
    public var effort: Effort?
    /// A token budget for thinking (Anthropic `budget_tokens`, Gemini `thinkingBudget`).
    public var budgetTokens: Int?

    /// Neither an effort nor a budget asks for reasoning at the provider's usual depth: a medium effort, or Gemini's
    /// dynamic budget.
    public init(effort: Effort? = nil, budgetTokens: Int? = nil) {
        self.effort = effort
        self.budgetTokens = budgetTokens
    }
}
