import LLM
import Testing

@Suite struct ConversationRepairTests {
    static func call(_ id: String, _ name: String = "get_weather") -> ToolCall {
        ToolCall(id: id, name: name, arguments: ["city": "Oslo"])
    }

    static func result(_ id: String, _ content: String = "sunny", isError: Bool = false) -> Message {
        .tool(ToolResult(toolCallID: id, name: "get_weather", content: content, isError: isError))
    }

    static func interrupted(_ id: String, _ name: String = "get_weather") -> Message {
        .tool(ToolResult(toolCallID: id, name: name, content: ConversationRepair.interruptedMessage, isError: true))
    }

    @Test func aWellFormedConversationIsUnchanged() {
        let messages: [Message] = [
            .system("Be brief."), .user("Weather?"), .assistant("", toolCalls: [Self.call("a"), Self.call("b")]),
            Self.result("a"), Self.result("b", isError: true), .assistant("Sunny."), .user("Thanks"),
        ]
        #expect(ConversationRepair.repair(messages) == messages)
    }

    @Test func anEmptyConversationStaysEmpty() {
        #expect(ConversationRepair.repair([]) == [])
    }

    // Rule 1: empty assistant turns.

    @Test func emptyAssistantTurnsAreRemoved() {
        let messages: [Message] = [
            .user("Hi"), .assistant(""), Message(role: .assistant, content: [.text("")]), .user("Hello?"),
        ]
        #expect(ConversationRepair.repair(messages) == [.user("Hi"), .user("Hello?")])
    }

    @Test func assistantTurnsWithReasoningCallsOrImagesAreNotEmpty() {
        let messages: [Message] = [
            .user("Hi"),
            .assistant("", reasoning: [ReasoningBlock(text: "", signature: "sig")]),
            Message(role: .assistant, content: [.image(.url("https://example.com/a.png"))]),
            .assistant(" "),
        ]
        #expect(ConversationRepair.repair(messages) == messages)
    }

    // Rule 2: results without their call.

    @Test func aResultAnsweringNoCallIsDropped() {
        let messages: [Message] = [
            .user("Weather?"), .assistant("", toolCalls: [Self.call("a")]), Self.result("a"), Self.result("ghost"),
            .assistant("Sunny."),
        ]
        #expect(ConversationRepair.repair(messages) == [
            .user("Weather?"), .assistant("", toolCalls: [Self.call("a")]), Self.result("a"), .assistant("Sunny."),
        ])
    }

    @Test func aResultBeforeAnyAssistantTurnIsDropped() {
        let messages: [Message] = [Self.result("a"), .system("S"), .user("Hi")]
        #expect(ConversationRepair.repair(messages) == [.system("S"), .user("Hi")])
    }

    @Test func aResultAfterAnAssistantTurnWithoutCallsIsDropped() {
        let messages: [Message] = [.user("Hi"), .assistant("Hello"), Self.result("a")]
        #expect(ConversationRepair.repair(messages) == [.user("Hi"), .assistant("Hello")])
    }

    @Test func aDuplicateResultIsDropped() {
        let messages: [Message] = [
            .user("?"), .assistant("", toolCalls: [Self.call("a")]), Self.result("a", "first"), Self.result("a", "second"),
        ]
        #expect(ConversationRepair.repair(messages) == Array(messages.prefix(3)))
    }

    @Test func aResultOfAnEarlierTurnIsDropped() {
        let messages: [Message] = [
            .user("?"), .assistant("", toolCalls: [Self.call("a")]), Self.result("a"),
            .assistant("", toolCalls: [Self.call("b")]), Self.result("a", "again"), Self.result("b"),
        ]
        #expect(ConversationRepair.repair(messages) == [
            .user("?"), .assistant("", toolCalls: [Self.call("a")]), Self.result("a"),
            .assistant("", toolCalls: [Self.call("b")]), Self.result("b"),
        ])
    }

    @Test func aToolMessageWithoutAResultIsDropped() {
        let messages: [Message] = [.user("?"), .assistant("", toolCalls: [Self.call("a")]), Message(role: .tool, content: [.text("loose")])]
        #expect(ConversationRepair.repair(messages) == [.user("?"), .assistant("", toolCalls: [Self.call("a")]), Self.interrupted("a")])
    }

    // Rule 3: calls without their result.

    @Test func aCallWithoutAResultGetsAnInterruptedErrorRightAfterItsTurn() {
        let messages: [Message] = [.user("Weather?"), .assistant("", toolCalls: [Self.call("a")]), .user("Hello?")]
        #expect(ConversationRepair.repair(messages) == [
            .user("Weather?"), .assistant("", toolCalls: [Self.call("a")]), Self.interrupted("a"), .user("Hello?"),
        ])
    }

    @Test func onlyTheMissingResultsAreAddedAfterTheOnesPresent() {
        let messages: [Message] = [
            .user("?"), .assistant("", toolCalls: [Self.call("a"), Self.call("b", "get_time"), Self.call("c")]), Self.result("c"),
        ]
        #expect(ConversationRepair.repair(messages) == [
            .user("?"), .assistant("", toolCalls: [Self.call("a"), Self.call("b", "get_time"), Self.call("c")]), Self.result("c"),
            Self.interrupted("a"), Self.interrupted("b", "get_time"),
        ])
    }

    @Test func aConversationEndingWithCallsGetsInterruptedResults() {
        let messages: [Message] = [.user("?"), .assistant("Checking", toolCalls: [Self.call("a")])]
        #expect(ConversationRepair.repair(messages) == messages + [Self.interrupted("a")])
    }

    @Test func aResultSeparatedFromItsCallByAnotherTurnCountsAsMissing() {
        // Stated behaviour: results are only looked for right after their turn, never moved.
        let messages: [Message] = [.user("?"), .assistant("", toolCalls: [Self.call("a")]), .user("Hurry"), Self.result("a")]
        #expect(ConversationRepair.repair(messages) == [
            .user("?"), .assistant("", toolCalls: [Self.call("a")]), Self.interrupted("a"), .user("Hurry"),
        ])
    }

    @Test func repairIsIdempotent() {
        let messages: [Message] = [
            Self.result("x"), .user("?"), .assistant(""), .assistant("", toolCalls: [Self.call("a"), Self.call("b")]),
            Self.result("b"), Self.result("b"), .user("!"),
        ]
        let once = ConversationRepair.repair(messages)
        #expect(ConversationRepair.repair(once) == once)
    }
}
