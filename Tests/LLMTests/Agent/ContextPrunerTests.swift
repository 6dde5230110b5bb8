import LLM
import Testing

@Suite struct ContextPrunerTests {
    static let big = String(repeating: "x", count: 400)  // 100 estimated tokens

    /// `count` turns, each an assistant call answered by a 100-token result.
    static func conversation(results count: Int, isError: Bool = false, isProtected: Bool = false) -> [Message] {
        var messages: [Message] = [.system("You are helpful."), .user("Go")]
        for index in 0..<count {
            messages.append(.assistant("", toolCalls: [ToolCall(id: "c\(index)", name: "read", arguments: [:])]))
            messages.append(.tool(ToolResult(toolCallID: "c\(index)", name: "read", content: big, isError: isError, isProtected: isProtected)))
        }
        return messages
    }

    static func prunedPositions(_ messages: [Message]) -> [Int] {
        messages.indices.filter { messages[$0].toolResult?.content == ContextPruner.placeholder }
    }

    @Test func withinBudgetNothingChanges() {
        let messages = Self.conversation(results: 3)
        #expect(ContextPruner(tokenBudget: 10_000, keepRecentTurns: 0).prune(messages) == messages)
    }

    @Test func oldestResultsArePrunedFirstUntilWithinBudget() {
        let messages = Self.conversation(results: 4)  // about 4 + 400 tokens
        let pruned = ContextPruner(tokenBudget: 250, keepRecentTurns: 0).prune(messages)
        // Each replacement saves 91 tokens: two are enough.
        #expect(Self.prunedPositions(pruned) == [3, 5])
        #expect(ContextPruner.estimatedTokens(pruned) <= 250)
    }

    @Test func aPrunedResultKeepsItsCallIDAndName() {
        let pruned = ContextPruner(tokenBudget: 0, keepRecentTurns: 0).prune(Self.conversation(results: 1))
        #expect(pruned[3] == .tool(ToolResult(toolCallID: "c0", name: "read", content: ContextPruner.placeholder)))
    }

    @Test func theLatestTurnsAreNeverPruned() {
        let messages = Self.conversation(results: 4)
        let pruned = ContextPruner(tokenBudget: 0, keepRecentTurns: 2).prune(messages)
        // Turns: user, then four assistant turns; the last two keep their results.
        #expect(Self.prunedPositions(pruned) == [3, 5])
        #expect(pruned[7].toolResult?.content == Self.big)
        #expect(pruned[9].toolResult?.content == Self.big)
    }

    @Test func fewerTurnsThanKeptMeansNothingIsPruned() {
        let messages = Self.conversation(results: 2)
        #expect(ContextPruner(tokenBudget: 0, keepRecentTurns: 5).prune(messages) == messages)
    }

    @Test func protectedResultsAreNeverPruned() {
        let messages = Self.conversation(results: 3, isProtected: true)
        #expect(ContextPruner(tokenBudget: 0, keepRecentTurns: 0).prune(messages) == messages)
    }

    @Test func errorResultsAreNeverPruned() {
        let messages = Self.conversation(results: 3, isError: true)
        #expect(ContextPruner(tokenBudget: 0, keepRecentTurns: 0).prune(messages) == messages)
    }

    @Test func protectedAndErrorResultsAreSkippedAndLaterOnesPrunedInstead() {
        var messages = Self.conversation(results: 3)
        messages[3].toolResult?.isProtected = true
        messages[5].toolResult?.isError = true
        let pruned = ContextPruner(tokenBudget: 150, keepRecentTurns: 0).prune(messages)
        #expect(Self.prunedPositions(pruned) == [7])
    }

    @Test func systemUserAndAssistantMessagesAreAlwaysKeptEvenOverBudget() {
        let huge = String(repeating: "s", count: 40_000)
        let messages: [Message] = [
            .system(huge), .user(huge), .assistant(huge, toolCalls: [ToolCall(id: "c", name: "read", arguments: [:])]),
            .tool(ToolResult(toolCallID: "c", name: "read", content: Self.big)), .assistant(huge),
        ]
        let pruned = ContextPruner(tokenBudget: 100, keepRecentTurns: 0).prune(messages)
        // Only the tool result can go; the rest stays, over budget (the provider will say so).
        #expect(Self.prunedPositions(pruned) == [3])
        #expect(pruned[0] == messages[0])
        #expect(pruned[1] == messages[1])
        #expect(pruned[2] == messages[2])
        #expect(pruned[4] == messages[4])
        #expect(ContextPruner.estimatedTokens(pruned) > 100)
    }

    @Test func theProvidersReportedTokensDecideWhetherToPrune() {
        let messages = Self.conversation(results: 3)  // about 300 estimated tokens
        let pruner = ContextPruner(tokenBudget: 1_000, keepRecentTurns: 0)
        #expect(pruner.prune(messages) == messages)
        // The provider counted 1,100: two replacements (91 tokens each, estimated) bring it under.
        #expect(Self.prunedPositions(pruner.prune(messages, inputTokens: 1_100)) == [3, 5])
        // And a report under budget wins over a larger estimate.
        #expect(ContextPruner(tokenBudget: 200, keepRecentTurns: 0).prune(messages, inputTokens: 150) == messages)
    }

    @Test func aZeroOrNegativeReportFallsBackToTheEstimate() {
        let messages = Self.conversation(results: 3)
        let pruner = ContextPruner(tokenBudget: 250, keepRecentTurns: 0)
        #expect(pruner.prune(messages, inputTokens: 0) == pruner.prune(messages))
        #expect(pruner.prune(messages, inputTokens: -5) == pruner.prune(messages))
        #expect(Self.prunedPositions(pruner.prune(messages, inputTokens: 0)) == [3])
    }

    @Test func aZeroBudgetPrunesEveryPrunableResultAndNegativeKeepCountsAsZero() {
        let messages = Self.conversation(results: 3)
        let pruned = ContextPruner(tokenBudget: 0, keepRecentTurns: -2).prune(messages)
        #expect(Self.prunedPositions(pruned) == [3, 5, 7])
    }

    @Test func resultsNoLongerThanThePlaceholderAreLeftAlone() {
        let messages: [Message] = [
            .user("Go"), .assistant("", toolCalls: [ToolCall(id: "c", name: "add", arguments: [:])]),
            .tool(ToolResult(toolCallID: "c", name: "add", content: "42")), .assistant("42"),
        ]
        #expect(ContextPruner(tokenBudget: 0, keepRecentTurns: 0).prune(messages) == messages)
    }

    @Test func pruningIsIdempotent() {
        let pruner = ContextPruner(tokenBudget: 250, keepRecentTurns: 1)
        let once = pruner.prune(Self.conversation(results: 5))
        #expect(pruner.prune(once) == once)
    }

    @Test func estimateIsFourCharactersPerTokenRoundedUp() {
        #expect(ContextPruner.estimatedTokens("") == 0)
        #expect(ContextPruner.estimatedTokens("abcd") == 1)
        #expect(ContextPruner.estimatedTokens("abcde") == 2)
        // Text, call names and arguments, results and reasoning all count.
        let messages: [Message] = [
            .user("abcd"),
            .assistant("", toolCalls: [ToolCall(id: "id", name: "tool", arguments: ["": ""])], reasoning: [ReasoningBlock(text: "mmmm")]),
            .tool(ToolResult(toolCallID: "id", content: "rrrr")),
        ]
        // {"":""} is 7 characters: 4 + (4 + 7) + 4 + 4 = 23 characters, 6 tokens.
        #expect(ContextPruner.estimatedTokens(messages) == 6)
    }
}
