/// Keeps a conversation under a token budget by replacing old tool results with a short placeholder.
/// A pure function: the same input always gives the same output.
///
/// Tool results are usually the bulk of an agent's context and are rarely needed again once the model
/// has read them. The rules:
///
/// - Nothing is pruned while the conversation is within ``tokenBudget``.
/// - Otherwise tool results are replaced by ``placeholder``, oldest first, until it fits.
/// - Never pruned: results marked ``ToolResult/isProtected``, error results (the model needs to know
///   what failed), and anything in the latest ``keepRecentTurns`` turns. A turn starts at each user or
///   assistant message; the tool results after an assistant message belong to its turn.
/// - Only tool results are ever changed: system prompts, user and assistant messages are always kept.
///   When that is not enough the conversation is returned over budget (the provider will say so).
///
/// The size is measured by the provider when you pass its last reported input tokens (``prune(_:inputTokens:)``);
/// otherwise it is estimated as one token per 4 characters (see ``estimatedTokens(_:)-(String)``). Savings of each
/// replacement are always estimated.
public struct ContextPruner: Sendable, Hashable {
    /// What replaces a pruned tool result's content.
    public static let placeholder = "[tool result pruned to save context]"

    /// The most tokens the conversation may take. Zero or less prunes every prunable result.
    public var tokenBudget: Int
    /// How many of the latest turns are never pruned. Negative counts as zero.
    public var keepRecentTurns: Int

    public init(tokenBudget: Int, keepRecentTurns: Int = 3) {
        self.tokenBudget = tokenBudget
        self.keepRecentTurns = keepRecentTurns
    }

    /// The conversation, pruned to the budget.
    ///
    /// - Parameters:
    ///   - messages: the conversation to prune.
    ///   - inputTokens: the conversation's size as the provider measured it (its last reported input tokens). Nil,
    ///     zero or negative: estimated from the text.
    public func prune(_ messages: [Message], inputTokens: Int? = nil) -> [Message] {
        var tokens = inputTokens.flatMap { $0 > 0 ? $0 : nil } ?? Self.estimatedTokens(messages)
        guard tokens > tokenBudget else { return messages }
        let placeholderTokens = Self.estimatedTokens(Self.placeholder)
        var pruned = messages
        for position in 0..<firstProtectedPosition(messages) where tokens > tokenBudget {
            guard var result = pruned[position].toolResult, pruned[position].role == .tool,
                !result.isError, !result.isProtected
            else { continue }
            let saved = Self.estimatedTokens(result.content) - placeholderTokens
            // Replacing a result no longer than the placeholder would not save anything.
            guard saved > 0 else { continue }
            result.content = Self.placeholder
            pruned[position].toolResult = result
            tokens -= saved
        }
        return pruned
    }

    /// Messages from this position on belong to the latest `keepRecentTurns` turns.
    private func firstProtectedPosition(_ messages: [Message]) -> Int {
        let keep = max(0, keepRecentTurns)
        guard keep > 0 else { return messages.count }
        let turnStarts = messages.indices.filter { messages[$0].role == .user || messages[$0].role == .assistant }
        guard turnStarts.count > keep else { return 0 }
        return turnStarts[turnStarts.count - keep]
    }

    /// An estimate of the tokens of some text: one per 4 characters, rounded up. Good enough to decide
    /// what to prune; providers' tokenizers differ anyway.
    public static func estimatedTokens(_ text: String) -> Int {
        (text.count + 3) / 4
    }

    /// An estimate of the tokens of a conversation: the characters of all text, tool calls (name and
    /// arguments as JSON), tool results and reasoning, one token per 4, rounded up. Images are not counted.
    public static func estimatedTokens(_ messages: [Message]) -> Int {
        var characters = 0
        for message in messages {
            characters += message.text.count
            for call in message.toolCalls { characters += call.name.count + call.arguments.jsonString.count }
            characters += message.toolResult?.content.count ?? 0
            for block in message.reasoning { characters += block.text.count }
        }
        return (characters + 3) / 4
    }
}
