import LLM
import LLMTesting
import Testing

/// Tool calls whose arguments arrive cut off or malformed: the model gets an error result, the loop
/// goes on, nothing crashes.
@Suite struct AgentInvalidArgumentsTests {
    @Test func truncatedArgumentsBecomeAnErrorResult() async throws {
        let cities = Recorder<String>()
        let provider = EventScriptProvider([
            [
                .toolCallStart(index: 0, id: "c1", name: "get_weather"),
                .toolCallDelta(index: 0, arguments: #"{"city": "Par"#),
                .finish(stopReason: .maxTokens, usage: Usage(inputTokens: 5, outputTokens: 8), model: "m"),
            ],
            [.textDelta("Sorry, again.", snapshot: "Sorry, again."), .finish(stopReason: .endTurn, usage: nil, model: "m")],
        ])
        let result = try await Agent(provider: provider, model: "m", tools: [weatherTool(recording: cities)]).run("?")

        #expect(cities.values.isEmpty)
        let toolResult = try #require(result.steps.first?.toolResults.first)
        #expect(toolResult.isError)
        #expect(toolResult.toolCallID == "c1")
        #expect(toolResult.content.contains(#"Received: {"city": "Par"#))
        #expect(toolResult.content.contains("did not run"))
        // The call stays in the conversation, with arguments that are valid JSON, answered by the error.
        let sent = provider.requests[1].messages
        #expect(sent[1].toolCalls == [ToolCall(id: "c1", name: "get_weather", arguments: [:])])
        #expect(sent[2].toolResult == toolResult)
        #expect(result.text == "Sorry, again.")
        #expect(result.usage == Usage(inputTokens: 5, outputTokens: 8))
    }

    @Test func aTruncatedCallDoesNotStopItsValidNeighbour() async throws {
        let cities = Recorder<String>()
        let provider = EventScriptProvider([
            [
                .toolCallStart(index: 0, id: "ok", name: "get_weather"),
                .toolCallDelta(index: 0, arguments: #"{"city": "Rome"}"#),
                .toolCallStart(index: 1, id: "cut", name: "get_weather"),
                .toolCallDelta(index: 1, arguments: #"{"ci"#),
                .finish(stopReason: .maxTokens, usage: nil, model: "m"),
            ],
            [.finish(stopReason: .endTurn, usage: nil, model: "m")],
        ])
        let result = try await Agent(provider: provider, model: "m", tools: [weatherTool(recording: cities)]).run("?")
        #expect(cities.values == ["Rome"])
        let results = try #require(result.steps.first?.toolResults)
        #expect(results.map(\.isError) == [false, true])
        #expect(results.map(\.toolCallID) == ["ok", "cut"])
    }

    @Test func aProviderFailingOnInvalidArgumentsBecomesAnErrorResult() async throws {
        // Providers validate arguments themselves and fail the stream: the agent keeps going.
        let mock = MockProvider(replies: [
            MockReply(.textThenError("Checking.", .invalidToolArguments(toolName: "get_weather", raw: #"{"city": "#, reason: "not valid JSON (truncated or malformed)"))),
            .text("Let me try again."),
        ])
        let result = try await Agent(provider: mock, model: "m", tools: [weatherTool()]).run("?")
        let step = try #require(result.steps.first)
        #expect(step.response.content == "Checking.")
        #expect(step.toolCalls.map(\.name) == ["get_weather"])
        let toolResult = try #require(step.toolResults.first)
        #expect(toolResult.isError)
        #expect(toolResult.toolCallID == step.toolCalls[0].id)
        #expect(toolResult.content.contains("not valid JSON (truncated or malformed)"))
        #expect(result.text == "Let me try again.")
        #expect(mock.requests[1].messages.last?.toolResult == toolResult)
    }

    @Test func otherStreamErrorsAreStillThrown() async throws {
        let mock = MockProvider(replies: [MockReply(.textThenError("Half", .network(reason: "reset")))])
        await #expect(throws: LLMError.network(reason: "reset")) {
            try await Agent(provider: mock, model: "m", tools: [weatherTool()]).run("?")
        }
    }

    @Test func aStreamThatNeverFinishesIsAMalformedResponse() async throws {
        let provider = EventScriptProvider([[.textDelta("Hel", snapshot: "Hel")]])
        await #expect(throws: LLMError.self) {
            try await Agent(provider: provider, model: "m").run("?")
        }
    }
}
