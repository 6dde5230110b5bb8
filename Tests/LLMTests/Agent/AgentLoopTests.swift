import LLM
import LLMTesting
import Testing

@Suite struct AgentLoopTests {
    @Test func runsTheToolAndContinuesWithItsResult() async throws {
        let cities = Recorder<String>()
        let mock = MockProvider(replies: [
            .toolCall("get_weather", arguments: ["city": "Paris"], id: "call_w"),
            .text("It is sunny in Paris."),
        ])
        let agent = Agent(provider: mock, model: "m", system: "Be brief.", tools: [weatherTool(recording: cities)])
        let result = try await agent.run("Weather in Paris?")

        #expect(cities.values == ["Paris"])
        #expect(result.text == "It is sunny in Paris.")
        #expect(result.stopReason == .completed)
        #expect(result.steps.count == 2)
        let expectedResult = ToolResult(toolCallID: "call_w", name: "get_weather", content: "21 °C and sunny in Paris")
        #expect(result.steps[0].toolResults == [expectedResult])
        #expect(result.messages == [
            .user("Weather in Paris?"),
            .assistant("", toolCalls: [ToolCall(id: "call_w", name: "get_weather", arguments: ["city": "Paris"])]),
            .tool(expectedResult),
            .assistant("It is sunny in Paris."),
        ])
        // The second request carried the tool result; both carried the system prompt and the tool.
        #expect(mock.requests.count == 2)
        #expect(mock.requests[1].messages.last == .tool(expectedResult))
        #expect(mock.requests.allSatisfy { $0.system == "Be brief." && $0.tools.map(\.name) == ["get_weather"] && $0.model == "m" })
    }

    @Test func usageIsSummedAcrossSteps() async throws {
        let mock = MockProvider(replies: [
            MockReply(.toolCalls([ToolCall(id: "c1", name: "get_weather", arguments: ["city": "Oslo"])], text: ""),
                      usage: Usage(inputTokens: 100, outputTokens: 10, cacheReadTokens: 40)),
            MockReply(.text("Cold."), usage: Usage(inputTokens: 130, outputTokens: 5, reasoningTokens: 2)),
        ])
        let result = try await Agent(provider: mock, model: "m", tools: [weatherTool()]).run("Oslo?")
        #expect(result.usage == Usage(inputTokens: 230, outputTokens: 15, cacheReadTokens: 40, reasoningTokens: 2))
        #expect(result.steps.map(\.usage.inputTokens) == [100, 130])
        #expect(result.steps.map(\.totalUsage.totalTokens) == [110, 245])
    }

    @Test func unknownToolBecomesAnErrorResultAndTheLoopGoesOn() async throws {
        let mock = MockProvider(replies: [.toolCall("get_stock", arguments: ["ticker": "X"], id: "c1"), .text("Sorry.")])
        let result = try await Agent(provider: mock, model: "m", tools: [weatherTool()]).run("?")
        let toolResult = try #require(result.steps.first?.toolResults.first)
        #expect(toolResult.isError)
        #expect(toolResult.toolCallID == "c1")
        #expect(toolResult.content == "Unknown tool 'get_stock'. Available tools: get_weather.")
        #expect(result.stopReason == .completed)
        #expect(mock.requests[1].messages.last?.toolResult == toolResult)
    }

    @Test func thrownErrorsBecomeErrorResults() async throws {
        struct StationDown: Error, CustomStringConvertible { var description: String { "station offline" } }
        let tool = AgentTool(name: "get_weather", description: "", input: CityInput.self, schema: citySchema) { _ -> String in
            throw StationDown()
        }
        let mock = MockProvider(replies: [.toolCall("get_weather", arguments: ["city": "Oslo"]), .text("It failed.")])
        let result = try await Agent(provider: mock, model: "m", tools: [tool.erased]).run("?")
        let toolResult = try #require(result.steps.first?.toolResults.first)
        #expect(toolResult.isError)
        #expect(toolResult.content == "Tool 'get_weather' failed: station offline")
    }

    @Test func undecodableArgumentsReachTheModelAsAnErrorResult() async throws {
        let cities = Recorder<String>()
        let mock = MockProvider(replies: [.toolCall("get_weather", arguments: ["city": 42]), .text("Retrying...")])
        let result = try await Agent(provider: mock, model: "m", tools: [weatherTool(recording: cities)]).run("?")
        let toolResult = try #require(result.steps.first?.toolResults.first)
        #expect(toolResult.isError)
        #expect(toolResult.content.contains("at '$.city'"))
        #expect(cities.values.isEmpty)
    }

    @Test func maxStepsEndsTheRunAfterRunningTheLastCalls() async throws {
        let mock = MockProvider(replies: [.toolCall("get_weather", arguments: ["city": "Oslo"])], repeatLastReply: true)
        let cities = Recorder<String>()
        let agent = Agent(provider: mock, model: "m", tools: [weatherTool(recording: cities)], options: AgentOptions(maxSteps: 3))
        let result = try await agent.run("Loop forever")
        #expect(result.stopReason == .maxSteps)
        #expect(mock.requests.count == 3)
        #expect(cities.values.count == 3)
        // The conversation ends with a result, so it can be continued as it is.
        #expect(result.messages.last?.role == .tool)
        #expect(result.messages.count == 1 + 3 * 2)
    }

    @Test func maxStepsBelowOneStillMakesOneCall() async throws {
        let mock = MockProvider(replies: [.text("Hi")])
        let result = try await Agent(provider: mock, model: "m", options: AgentOptions(maxSteps: 0)).run("hello")
        #expect(result.text == "Hi")
        #expect(mock.requests.count == 1)
    }

    @Test func stopConditionEndsTheRunAfterTheStepsTools() async throws {
        let answers = Recorder<String>()
        let finalAnswer = AgentTool(name: "final_answer", description: "", input: CityInput.self, schema: citySchema) { input in
            answers.append(input.city)
            return "recorded"
        }
        let mock = MockProvider(replies: [
            .toolCall("get_weather", arguments: ["city": "Rome"], id: "c1"),
            .toolCall("final_answer", arguments: ["city": "Rome"], id: "c2"),
            .text("never requested"),
        ])
        let options = AgentOptions(stopCondition: .toolCalled("final_answer"))
        let result = try await Agent(provider: mock, model: "m", tools: [weatherTool(), finalAnswer.erased], options: options).run("?")
        #expect(result.stopReason == .stopCondition)
        #expect(answers.values == ["Rome"])
        #expect(mock.requests.count == 2)
        #expect(result.steps.count == 2)
    }

    @Test func tokenStopCondition() async throws {
        let mock = MockProvider(replies: [MockReply(.toolCalls([ToolCall(id: "c", name: "get_weather", arguments: ["city": "A"])], text: ""),
                                                    usage: Usage(inputTokens: 600, outputTokens: 10))],
                                repeatLastReply: true)
        let options = AgentOptions(stopCondition: .totalTokensExceed(1_000))
        let result = try await Agent(provider: mock, model: "m", tools: [weatherTool()], options: options).run("?")
        #expect(result.stopReason == .stopCondition)
        #expect(result.steps.count == 2)
    }

    @Test func toolChoiceIsChosenPerStep() async throws {
        let mock = MockProvider(replies: [.toolCall("get_weather", arguments: ["city": "Oslo"]), .toolCall("get_weather", arguments: ["city": "Oslo"]), .text("Done")])
        let options = AgentOptions(toolChoice: .requiredOnFirstStep)
        _ = try await Agent(provider: mock, model: "m", tools: [weatherTool()], options: options).run("?")
        #expect(mock.requests.map(\.toolChoice) == [.required, .auto, .auto])

        let custom = MockProvider(replies: [.toolCall("get_weather", arguments: ["city": "Oslo"]), .text("Done")])
        let perStep = AgentOptions(toolChoice: .perStep { $0 == 1 ? .tool("get_weather") : ToolChoice.none })
        _ = try await Agent(provider: custom, model: "m", tools: [weatherTool()], options: perStep).run("?")
        #expect(custom.requests.map(\.toolChoice) == [.tool("get_weather"), ToolChoice.none])
    }

    @Test func noToolChoiceIsSentWithoutTools() async throws {
        let mock = MockProvider(replies: [.text("Hi")])
        _ = try await Agent(provider: mock, model: "m", options: AgentOptions(toolChoice: .always(.required))).run("hello")
        #expect(mock.requests.first?.toolChoice == nil)
        #expect(mock.requests.first?.tools == [])
    }

    @Test func requestOptionsAndPrepareRequestApply() async throws {
        let mock = MockProvider(replies: [.text("Hi")])
        let options = AgentOptions(maxTokens: 64, temperature: 0.2, prepareRequest: { request, step in
            request.stopSequences = ["STOP-\(step)"]
        })
        _ = try await Agent(provider: mock, model: "m", options: options).run("hello")
        let request = try #require(mock.requests.first)
        #expect(request.maxTokens == 64)
        #expect(request.temperature == 0.2)
        #expect(request.stopSequences == ["STOP-1"])
    }

    @Test func providerForStepSwitchesBackends() async throws {
        let first = MockProvider(name: "first", replies: [.toolCall("get_weather", arguments: ["city": "Oslo"])])
        let later = MockProvider(name: "later", replies: [.text("Cold in Oslo.")])
        let options = AgentOptions(providerForStep: { step in step == 1 ? nil : later })
        let result = try await Agent(provider: first, model: "m", tools: [weatherTool()], options: options).run("?")
        #expect(result.text == "Cold in Oslo.")
        #expect(first.requests.count == 1)
        #expect(later.requests.count == 1)
        #expect(later.requests[0].messages.last?.toolResult?.content == "21 °C and sunny in Oslo")
    }

    @Test func duplicateToolNamesAreRejectedBeforeAnyCall() async throws {
        let mock = MockProvider(replies: [.text("Hi")])
        await #expect(throws: AgentError.duplicateToolName("get_weather")) {
            try await Agent(provider: mock, model: "m", tools: [weatherTool(), weatherTool()]).run("?")
        }
        #expect(mock.requests.isEmpty)
    }

    @Test func modelErrorsAreThrown() async throws {
        let details = ProviderErrorDetails(provider: "mock", status: 500, message: "boom")
        let mock = MockProvider(replies: [.toolCall("get_weather", arguments: ["city": "Oslo"]), .error(.serverError(details))])
        await #expect(throws: LLMError.serverError(details)) {
            try await Agent(provider: mock, model: "m", tools: [weatherTool()]).run("?")
        }
    }

    @Test func theConversationIsRepairedBeforeTheRequest() async throws {
        let mock = MockProvider(replies: [.text("OK")])
        let broken: [Message] = [
            .tool(ToolResult(toolCallID: "ghost", content: "orphan")),
            .user("Weather?"),
            .assistant("", toolCalls: [ToolCall(id: "c1", name: "get_weather", arguments: ["city": "Oslo"])]),
            .assistant(""),
            .user("Still there?"),
        ]
        let result = try await Agent(provider: mock, model: "m", tools: [weatherTool()]).run(messages: broken)
        let sent = try #require(mock.requests.first).messages
        #expect(sent == ConversationRepair.repair(broken))
        #expect(sent.count == 4)
        #expect(sent[2].toolResult?.content == ConversationRepair.interruptedMessage)
        #expect(result.messages == sent + [.assistant("OK")])
    }

    @Test func oldToolResultsArePrunedBeforeTheRequest() async throws {
        let big = String(repeating: "x", count: 4_000)
        let history: [Message] = [
            .user("first"),
            .assistant("", toolCalls: [ToolCall(id: "old", name: "get_weather", arguments: ["city": "A"])]),
            .tool(ToolResult(toolCallID: "old", name: "get_weather", content: big)),
            .assistant("Done with A."),
            .user("second"),
        ]
        let mock = MockProvider(replies: [.text("OK")])
        let options = AgentOptions(pruner: ContextPruner(tokenBudget: 200, keepRecentTurns: 2))
        _ = try await Agent(provider: mock, model: "m", tools: [weatherTool()], options: options).run(messages: history)
        let sent = try #require(mock.requests.first).messages
        #expect(sent[2].toolResult?.content == ContextPruner.placeholder)
        #expect(sent.count == history.count)
    }

    @Test func prunerMeasuresWithTheProvidersReportedTokens() async throws {
        // About 100 estimated tokens per result: far under budget by estimate; the provider says otherwise.
        let page = AgentTool(name: "read_page", description: "", input: CityInput.self, schema: citySchema) { input in
            input.city + String(repeating: "y", count: 400)
        }
        let mock = MockProvider(replies: [
            MockReply(.toolCalls([ToolCall(id: "c1", name: "read_page", arguments: ["city": "A"])], text: ""),
                      usage: Usage(inputTokens: 5_000, outputTokens: 10)),
            MockReply(.toolCalls([ToolCall(id: "c2", name: "read_page", arguments: ["city": "B"])], text: ""),
                      usage: Usage(inputTokens: 5_100, outputTokens: 10)),
            .text("Done"),
        ])
        let options = AgentOptions(pruner: ContextPruner(tokenBudget: 1_000, keepRecentTurns: 1))
        _ = try await Agent(provider: mock, model: "m", tools: [page.erased], options: options).run("?")
        let third = mock.requests[2].messages
        #expect(third[2].toolResult?.content == ContextPruner.placeholder)
        #expect(third[4].toolResult?.content.hasPrefix("Byyy") == true)

        // Without the provider's numbers the same conversation is within budget: nothing is pruned.
        let unreported = MockProvider(replies: [
            MockReply(.toolCalls([ToolCall(id: "c1", name: "read_page", arguments: ["city": "A"])], text: ""), usage: Usage()),
            MockReply(.toolCalls([ToolCall(id: "c2", name: "read_page", arguments: ["city": "B"])], text: ""), usage: Usage()),
            .text("Done"),
        ])
        _ = try await Agent(provider: unreported, model: "m", tools: [page.erased], options: options).run("?")
        #expect(unreported.requests[2].messages[2].toolResult?.content.hasPrefix("Ayyy") == true)
    }

    @Test func theResultContinuesAsANewRun() async throws {
        let mock = MockProvider(replies: [.text("Paris."), .text("France.")])
        let agent = Agent(provider: mock, model: "m")
        let first = try await agent.run("Capital of France?")
        let second = try await agent.run(messages: first.messages + [.user("Which country is it in?")])
        #expect(second.text == "France.")
        #expect(mock.requests[1].messages == [.user("Capital of France?"), .assistant("Paris."), .user("Which country is it in?")])
    }

    @Test func cancellingTheRunCancelsTheToolsAndThrows() async throws {
        let started = Gate()
        let tool = AgentTool(name: "slow", description: "", input: CityInput.self, schema: citySchema) { _ -> String in
            started.open()
            try await Task.sleep(for: .seconds(60))
            return "late"
        }
        let mock = MockProvider(replies: [.toolCall("slow", arguments: ["city": "A"]), .text("never")])
        let task = Task { try await Agent(provider: mock, model: "m", tools: [tool.erased]).run("?") }
        await started.wait()
        task.cancel()
        await #expect(throws: LLMError.cancelled) { try await task.value }
        #expect(mock.requests.count == 1)
    }
}
