import LLM
import Testing

@Suite struct StreamAccumulatorTests {
    @Test func assemblesTextReasoningToolCallsAndUsage() throws {
        var accumulator = StreamAccumulator()
        let events: [StreamEvent] = [
            .start(id: "r1", model: "m"),
            .reasoningStart, .reasoningDelta("Thinking "), .reasoningDelta("hard."), .reasoningDelta("", signature: "sig-1"),
            .textDelta("Hello", snapshot: "Hello"), .textDelta(" you", snapshot: "Hello you"), .textEnd("Hello you"),
            .toolCallStart(index: 0, id: "c1", name: "lookup"), .toolCallDelta(index: 0, arguments: "{\"q\":"),
            .toolCallDelta(index: 0, arguments: "\"x\"}"),
            .usage(Usage(inputTokens: 10, outputTokens: 3)),
            .finish(stopReason: .toolCalls, usage: Usage(inputTokens: 11, outputTokens: 4, reasoningTokens: 2), model: "m-2024"),
        ]
        for event in events { accumulator.consume(event) }
        let response = try accumulator.response()
        #expect(response.content == "Hello you")
        #expect(response.reasoning == [ReasoningBlock(text: "Thinking hard.", signature: "sig-1")])
        #expect(response.toolCalls == [ToolCall(id: "c1", name: "lookup", arguments: ["q": "x"])])
        #expect(response.usage == Usage(inputTokens: 11, outputTokens: 4, reasoningTokens: 2))
        #expect(response.stopReason == .toolCalls)
        #expect(response.model == "m-2024")
        #expect(response.id == "r1")
    }

    @Test func completedToolCallWinsOverFragments() throws {
        var accumulator = StreamAccumulator()
        accumulator.consume(.toolCallStart(index: 0, id: "c1", name: "f"))
        accumulator.consume(.toolCallDelta(index: 0, arguments: "{\"a\":1}"))
        accumulator.consume(.toolCall(index: 0, ToolCall(id: "c1", name: "f", arguments: ["a": 1], signature: "s")))
        accumulator.consume(.finish(stopReason: .toolCalls, usage: nil, model: nil))
        #expect(try accumulator.response().toolCalls.first?.signature == "s")
    }

    @Test func truncatedArgumentsAreATypedErrorWithTheRawText() {
        var accumulator = StreamAccumulator()
        accumulator.consume(.toolCallStart(index: 0, id: "c1", name: "search"))
        accumulator.consume(.toolCallDelta(index: 0, arguments: "{\"query\": \"sw"))
        accumulator.consume(.finish(stopReason: .maxTokens, usage: nil, model: nil))
        #expect(throws: LLMError.invalidToolArguments(toolName: "search", raw: "{\"query\": \"sw", reason: "not valid JSON (truncated or malformed)")) {
            try accumulator.response()
        }
    }

    @Test func aStreamWithoutFinishIsMalformed() {
        var accumulator = StreamAccumulator()
        accumulator.consume(.textDelta("Half", snapshot: "Half"))
        #expect(!accumulator.isFinished)
        #expect(throws: LLMError.malformedResponse(reason: "the reply ended before its finish event", raw: "Half")) {
            try accumulator.response()
        }
    }

    @Test func separateReasoningBlocksStaySeparate() throws {
        var accumulator = StreamAccumulator()
        accumulator.consume(.reasoningStart)
        accumulator.consume(.reasoningDelta("one", signature: "s1"))
        accumulator.consume(.reasoningRedacted("opaque"))
        accumulator.consume(.reasoningStart)
        accumulator.consume(.reasoningDelta("two"))
        accumulator.consume(.finish(stopReason: .endTurn, usage: nil, model: nil))
        let reasoning = try accumulator.response().reasoning
        #expect(reasoning == [
            ReasoningBlock(text: "one", signature: "s1"), ReasoningBlock(redactedData: "opaque"), ReasoningBlock(text: "two"),
        ])
    }
}
